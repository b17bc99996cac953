package io.lipdrop.intake;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class NamesTest {
    @Test
    void controlCharactersShowEscapedAndEverythingElseAsItIs() {
        assertEquals("new\\nline.mp4", Names.printable("new\nline.mp4"));
        assertEquals("a\\r\\tb", Names.printable("a\r\tb"));
        assertEquals("\\u001b[31mred\\u001b[0m.mp4", Names.printable("\u001b[31mred\u001b[0m.mp4"));
        assertEquals("evil\\u202egnp.exe", Names.printable("evil\u202egnp.exe"), "a right-to-left override");
        assertEquals("x\\u2028y\\u0085z\\u007f", Names.printable("x\u2028y\u0085z\u007f"));
        String plain = "产品介绍_v1/Anna Müller (2).mp4";
        assertSame(plain, Names.printable(plain), "any script, spaces and brackets stay; nothing copied");
    }
}
