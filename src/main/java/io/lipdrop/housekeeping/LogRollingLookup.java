package io.lipdrop.housekeeping;

import io.lipdrop.Settings;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.lookup.AbstractLookup;
import org.apache.logging.log4j.core.lookup.StrLookup;
import org.apache.logging.log4j.status.StatusLogger;

import java.util.Map;
import java.util.Properties;

/**
 * {@code ${lipdrop:roll-date-pattern}}, {@code ${lipdrop:roll-interval}} and {@code ${lipdrop:log-retention}} in
 * log4j2.xml: LipDrop's log settings ({@link LogRolling}) from the same places and in the same order as every other
 * setting (application.properties, $LIPDROP_HOME/config/application.properties, LIPDROP_... variables, -D), so the
 * user sets them where they set the rest. Found by Log4j's plugin processor, like {@code io.lipdrop.ops.PrintableConverter}.
 * It runs while logging is being set up: it never logs, and a wrong value falls back to the defaults with a line
 * from Log4j's status logger (the service's start then refuses the value, see {@link HousekeepingSettings#from}).
 */
@Plugin(name = "lipdrop", category = StrLookup.CATEGORY)
public final class LogRollingLookup extends AbstractLookup {
    private LogRolling rolling;

    @Override
    public synchronized String lookup(LogEvent event, String key) {
        if (rolling == null) rolling = load(System.getenv(), System.getProperties());
        return switch (key) {
            case "roll-date-pattern" -> rolling.datePattern();
            case "roll-interval" -> String.valueOf(rolling.interval());
            case "log-retention" -> rolling.retention();
            default -> null;
        };
    }

    static LogRolling load(Map<String, String> env, Properties system) {
        try {
            return LogRolling.from(Settings.merged(env, system));
        } catch (RuntimeException e) {
            StatusLogger.getLogger().error("LipDrop's log settings: {}; the defaults apply to the log", e.getMessage());
            return LogRolling.from(Settings.defaults());
        }
    }
}
