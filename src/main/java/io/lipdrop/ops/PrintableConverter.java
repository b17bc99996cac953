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
    private final boolean line;

    private PrintableConverter(List<PatternFormatter> inner, boolean line) {
        super("printable", "printable");
        this.inner = inner;
        this.line = line;
    }

    /**
     * Log4j's factory: {@code options[0]} is the pattern inside the braces; {@code {line}} after it ends what was
     * written with a line break, when anything was ({@code %printable{%throwable{short.message}}{line}}: an entry
     * with an exception ends its line like one without).
     */
    public static PrintableConverter newInstance(Configuration config, String[] options) {
        if (options == null || options.length < 1 || options.length > 2 || options[0] == null
                || (options.length == 2 && !"line".equals(options[1]))) {
            throw new IllegalArgumentException("%printable needs one pattern, and {line} may follow: %printable{%msg}");
        }
        return new PrintableConverter(PatternLayout.createPatternParser(config).parse(options[0]), options.length == 2);
    }

    /** True when the pattern inside writes the exception (%throwable): Log4j then adds no stack trace of its own. */
    @Override
    public boolean handlesThrowable() { return inner.stream().anyMatch(PatternFormatter::handlesThrowable); }

    @Override
    public void format(LogEvent event, StringBuilder out) {
        int start = out.length();
        for (PatternFormatter f : inner) f.format(event, out);
        String written = out.substring(start);
        String safe = Names.printable(written);
        if (!safe.equals(written)) out.replace(start, out.length(), safe);
        if (line && !safe.isEmpty()) out.append(System.lineSeparator());
    }
}
