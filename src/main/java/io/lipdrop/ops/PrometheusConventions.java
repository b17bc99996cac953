package io.lipdrop.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

import java.util.List;

/**
 * Makes every meter in the scrape follow Prometheus conventions, so {@code promtool check metrics}
 * accepts it: Camel tags its meters in camelCase (routeId, camelContext, eventType) and registers some
 * without help text. Tag keys become snake_case (route_id) and a missing description gets a generic one.
 */
public final class PrometheusConventions implements MeterFilter {

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = id.getTags().stream().map(t -> Tag.of(snake(t.getKey()), t.getValue())).toList();
        String description = id.getDescription() != null && !id.getDescription().isBlank()
                ? id.getDescription() : "Apache Camel meter " + id.getName();
        return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(tags), id.getBaseUnit(), description, id.getType());
    }

    static String snake(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_').toLowerCase();
    }
}
