package io.lipdrop.ops;

import io.lipdrop.intake.Names;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * {@code %printableEx} in the log layout: an entry's stack trace as {@code printStackTrace} writes it, but with each
 * exception's message escaped ({@link Names#printable(String)}). An exception often carries a file name ("cannot
 * move inbox/new␤line.mp4"), and the trace's own lines start with a tab or "Caused by:", so no message can make a
 * line that looks like an entry of its own. Nothing is written for an entry without an exception.
 */
@Plugin(name = "PrintableThrowableConverter", category = PatternConverter.CATEGORY)
@ConverterKeys({"printableEx"})
public final class PrintableThrowableConverter extends LogEventPatternConverter {
    private PrintableThrowableConverter() {
        super("printableEx", "throwable");
    }

    public static PrintableThrowableConverter newInstance(Configuration config, String[] options) {
        return new PrintableThrowableConverter();
    }

    @Override
    public boolean handlesThrowable() { return true; }

    @Override
    public void format(LogEvent event, StringBuilder out) {
        Throwable t = event.getThrown();
        if (t != null) write(t, null, "", out, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static void write(Throwable t, StackTraceElement[] enclosing, String caption, StringBuilder out, Set<Throwable> seen) {
        if (!seen.add(t)) {
            out.append(caption).append("[circular reference: ").append(Names.printable(t.toString())).append("]\n");
            return;
        }
        StackTraceElement[] trace = t.getStackTrace();
        int common = 0; // frames shared with the enclosing trace are summed up, as printStackTrace does
        if (enclosing != null) {
            for (int i = trace.length - 1, j = enclosing.length - 1; i >= 0 && j >= 0 && trace[i].equals(enclosing[j]); i--, j--) common++;
        }
        out.append(caption).append(Names.printable(t.toString())).append('\n');
        for (int i = 0; i < trace.length - common; i++) out.append("\tat ").append(Names.printable(trace[i].toString())).append('\n');
        if (common > 0) out.append("\t... ").append(common).append(" more\n");
        for (Throwable s : t.getSuppressed()) write(s, trace, "\tSuppressed: ", out, seen);
        if (t.getCause() != null) write(t.getCause(), trace, "Caused by: ", out, seen);
    }
}
