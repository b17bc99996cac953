package io.lipdrop.ops;

import io.lipdrop.intake.Names;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

import java.util.List;

/**
 * {@code %printable{%msg}} in the log layout: the message with its control characters escaped
 * ({@link Names#printable(String)}), so a file name with a newline or an ANSI escape in it shows as {@code \n} or
 * {@code \u001b} inside its own line and can never start a forged entry. Log4j's {@code %enc{}{CRLF}} covers only
 * CR and LF. Found by Log4j's plugin processor (log4j-core's annotation processor writes its index at compile time).
 */
@Plugin(name = "PrintableConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"printable"})
public final class PrintableConverter extends LogEventPatternConverter {
    private final List<PatternFormatter> inner;

    private PrintableConverter(List<PatternFormatter> inner) {
        super("printable", "printable");
        this.inner = inner;
    }

    /** Log4j's factory: {@code options[0]} is the pattern inside the braces. */
    public static PrintableConverter newInstance(Configuration config, String[] options) {
        if (options == null || options.length != 1 || options[0] == null) {
            throw new IllegalArgumentException("%printable needs one pattern: %printable{%msg}");
        }
        return new PrintableConverter(PatternLayout.createPatternParser(config).parse(options[0]));
    }

    @Override
    public void format(LogEvent event, StringBuilder out) {
        int start = out.length();
        for (PatternFormatter f : inner) f.format(event, out);
        String written = out.substring(start);
        String safe = Names.printable(written);
        if (!safe.equals(written)) out.replace(start, out.length(), safe);
    }
}
