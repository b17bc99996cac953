package io.lipdrop.ops;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LipDrop's own log configuration (src/main/resources/log4j2.xml), both layouts: a name with a newline or an ANSI
 * escape, in the message or in an exception's message, never starts a line that looks like an entry.
 */
class LogLayoutTest {
    static final Pattern ENTRY = Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d] (INFO |WARN |ERROR) .*");
    static final Pattern TRACE = Pattern.compile("^(\\tat |\\t\\.\\.\\. \\d+ more|Caused by: |\\tSuppressed: ).*|^[\\w.$]+(Exception|Error)(: .*)?$");
    @TempDir Path home;

    @Test
    void namesInMessagesAndExceptionsStayInsideTheirEntry() {
        String forged = "new\nline [2026-01-01 00:00:00] INFO  done evil.mp4\u001b[2K.mp4";
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("io.lipdrop.test").setLevel(Level.WARN)
                .setMessage(new ParameterizedMessage("processing {}", forged))
                .setThrown(new UncheckedIOException("cannot move inbox/" + forged, new IOException("busy: " + forged)))
                .build();
        System.setProperty("lipdrop.home", home.toString());
        // a context of its own: Configurator.initialize on this class loader handed back the JVM's running context once
        // other tests had logged, and closing it silenced every later test's log (their captured warnings read as none)
        LoggerContext ctx = new LoggerContext("layout-test");
        Configuration config = ConfigurationFactory.getInstance().getConfiguration(ctx, "layout-test",
                Path.of(System.getProperty("lipdrop.app", "."), "src/main/resources/log4j2.xml").toUri());
        try {
            config.initialize();
            int layouts = 0;
            for (Appender a : config.getAppenders().values()) {
                String text = a.getLayout().toSerializable(event).toString();
                assertFalse(text.contains("\u001b"), a.getName() + ": no raw escape");
                assertTrue(text.endsWith("\n") && !text.endsWith("\n\n"), a.getName() + ": one entry, ended once");
                String[] lines = text.split("\n");
                assertTrue(ENTRY.matcher(lines[0]).matches(), lines[0]);
                assertTrue(lines[0].contains("processing new\\nline [2026-01-01 00:00:00] INFO  done evil.mp4\\u001b[2K.mp4"), lines[0]);
                for (int i = 1; i < lines.length; i++) {
                    assertFalse(ENTRY.matcher(lines[i]).matches(), a.getName() + ": a forged entry: " + lines[i]);
                }
                if (a.getName().equals("file")) {
                    assertTrue(lines.length > 3 && TRACE.matcher(lines[1]).matches() && lines[1].contains("cannot move inbox/new\\nline"), text);
                    assertTrue(text.contains("Caused by: java.io.IOException: busy: new\\nline"), text);
                    for (int i = 1; i < lines.length; i++) assertTrue(TRACE.matcher(lines[i]).matches(), "a stack trace line: " + lines[i]);
                }
                layouts++;
            }
            assertEquals(2, layouts, "the console and the file");
        } finally {
            config.stop();
            System.clearProperty("lipdrop.home");
        }
    }
}
