package io.lipdrop.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.util.AntPathMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Live editing of {@code routes/}: saving a file reloads the routes of that file, and only those.
 *
 * <p>Camel's own {@link RouteWatcherReloadStrategy} (4.18) is not fit for it: by default it removes every route and
 * reloads every file, adding a file once per route it holds (housekeeping.yaml has two routes, so it is loaded twice
 * and the reload fails on a duplicate route id after all routes were removed); it then retries that failing set at
 * every later save. With {@code routes-reload-remove-all-routes=false} it never removes a route deleted from a file.
 *
 * <p>So Camel's watcher (directory, pattern, on/off: camel.main.routes-reload-*) is kept, and what it does with a saved
 * file is replaced by this, per file: wait until the file stops changing; parse it before anything is touched (a YAML
 * mistake leaves the running routes as they are and logs one ERROR with the file and the line); then replace the
 * routes that came from that file with the new ones (each old route first finishes the exchanges it has in flight),
 * putting the previous ones back if the new ones cannot be started. Routes of other files are not touched. A file
 * emptied (or only comments) or deleted takes its routes with it; the routes health check then says what is missing.
 * A route suspended before (the disk watermark suspends intake) is suspended again after the reload. Files excluded
 * from loading (delivery.yaml while S3 delivery is off) are not loaded when saved either.
 */
public final class RouteReloads implements ResourceReload {
    private static final Logger LOG = LoggerFactory.getLogger(RouteReloads.class);
    private static final long SETTLE_MILLIS = 200;
    private static final long SETTLE_MAX_MILLIS = 5000;
    private static final long DUPLICATE_EVENT_MILLIS = 1500;
    private static final Pattern FAILED_AT = Pattern.compile(">>> (.*?) <<<");

    private final CamelContext camel;
    private final Path folder;
    private final Predicate<Path> excluded;
    /** The bytes the running routes of each file were loaded from; a save with the same bytes changes nothing. */
    private final Map<Path, byte[]> loaded = new ConcurrentHashMap<>();
    /** The last content handled per file and when: one save often comes as several file events. */
    private final Map<Path, Handled> handled = new ConcurrentHashMap<>();

    private record Handled(byte[] content, long at) {}

    RouteReloads(CamelContext camel, Path folder, Predicate<Path> excluded) {
        this.camel = camel;
        this.folder = folder.toAbsolutePath().normalize();
        this.excluded = excluded;
    }

    /**
     * Makes the route reloading that Camel Main sets up ({@code camel.main.routes-reload-enabled}, its directory and
     * pattern) reload per file, as described above; does nothing when reloading is off. Call it from a MainListener's
     * afterConfigure (after Camel Main has set up its watcher, before the routes are loaded and the watcher started).
     *
     * @param routesExcludePattern camel.main.routes-exclude-pattern (may be null): such files are not loaded on save either
     */
    public static void install(CamelContext camel, String routesExcludePattern) throws IOException {
        for (RouteWatcherReloadStrategy watcher : camel.hasServices(RouteWatcherReloadStrategy.class)) {
            RouteReloads reloads = new RouteReloads(camel, Path.of(watcher.getFolder()), excludedBy(routesExcludePattern));
            reloads.rememberFiles();
            // Camel's watcher only installs its own reload (remove all routes, load all files) when none is set
            watcher.setResourceReload(reloads);
            LOG.info("editing {}: a saved file reloads its routes", reloads.folder.getFileName() + "/");
        }
    }

    /** A file matched by one of the comma-separated {@code file:} patterns of camel.main.routes-exclude-pattern. */
    static Predicate<Path> excludedBy(String pattern) {
        if (pattern == null || pattern.isBlank()) return f -> false;
        List<String> parts = Arrays.stream(pattern.split(",")).map(String::trim)
                .filter(p -> !p.isEmpty() && !p.startsWith("classpath:"))
                .map(p -> p.startsWith("file:") ? p.substring(5) : p)
                .map(p -> Path.of(p).toAbsolutePath().normalize().toString())
                .toList();
        AntPathMatcher matcher = AntPathMatcher.INSTANCE;
        return f -> {
            String path = f.toAbsolutePath().normalize().toString();
            return parts.stream().anyMatch(p -> p.equals(path) || matcher.match(p, path));
        };
    }

    /** What the routes are loaded from at start-up (Camel loads routes/ right after this). */
    private void rememberFiles() throws IOException {
        if (!Files.isDirectory(folder)) return;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) loaded.put(f.toAbsolutePath().normalize(), Files.readAllBytes(f));
        }
    }

    @Override
    public void onReload(String name, Resource resource) {
        onFileChanged(Path.of(name));
    }

    /** The file as the user knows it: routes/intake.yaml. */
    String display(Path file) {
        Path rel = folder.relativize(file);
        return (folder.getFileName() + "/" + rel).replace('\\', '/');
    }

    /** Called on the watcher's thread for each created, modified or deleted file that matches the pattern. */
    void onFileChanged(Path changed) {
        Path file = changed.toAbsolutePath().normalize();
        String name = display(file);
        try {
            byte[] content = settle(file);
            Handled last = handled.get(file);
            if (last != null && Arrays.equals(content, last.content()) && System.currentTimeMillis() - last.at() < DUPLICATE_EVENT_MILLIS) {
                return; // another event of the save just handled
            }
            try {
                if (excluded.test(file)) {
                    LOG.info("{} changed: not loaded, it is not used in this configuration", name);
                } else if (content != null && Arrays.equals(content, loaded.get(file))) {
                    LOG.info("{} saved: the routes that run are already these; nothing to reload", name);
                } else {
                    reload(file, name, content);
                }
            } finally {
                handled.put(file, new Handled(content, System.currentTimeMillis()));
            }
        } catch (RuntimeException e) {
            LOG.error("{}: cannot reload: {}", name, describe(e));
        }
    }

    /** The content once the file has not changed for a moment (an editor may write it in several steps); null: deleted. */
    private static byte[] settle(Path file) {
        long deadline = System.currentTimeMillis() + SETTLE_MAX_MILLIS;
        byte[] before = read(file);
        while (true) {
            sleep(SETTLE_MILLIS);
            byte[] now = read(file);
            if (Arrays.equals(before, now) || System.currentTimeMillis() > deadline || Thread.currentThread().isInterrupted()) return now;
            before = now;
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void reload(Path file, String name, byte[] content) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> old = model.getRouteDefinitions().stream().filter(d -> isFrom(d.getResource(), file)).toList();
        Map<String, ServiceStatus> before = new LinkedHashMap<>();
        for (RouteDefinition d : old) before.put(d.getRouteId(), camel.getRouteController().getRouteStatus(d.getRouteId()));
        String keeping = before.isEmpty() ? "nothing loaded from it"
                : "not reloaded, the routes " + String.join(", ", before.keySet()) + " keep running as they were";

        // 1. parse, with nothing touched yet
        List<RouteBuilder> builders = new ArrayList<>();
        List<RouteDefinition> fresh = new ArrayList<>();
        if (content != null && !onlyComments(content)) {
            try {
                Resource resource = ResourceHelper.fromBytes("file:" + file, content);
                for (RoutesBuilder b : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
                    if (!(b instanceof RouteBuilder rb)) throw new IllegalStateException("unsupported routes builder " + b.getClass().getName());
                    rb.configureRoutes(camel);
                    builders.add(rb);
                    fresh.addAll(rb.getRouteCollection().getRoutes());
                }
            } catch (Exception e) {
                LOG.error("{} line {}: {}; {}", name, line(e, fresh), describe(e), keeping);
                return;
            }
            for (RouteDefinition d : fresh) {
                Route other = d.getRouteId() == null ? null : camel.getRoute(d.getRouteId());
                if (other != null && !isFrom(other.getSourceResource(), file)) {
                    LOG.error("{} line {}: route id '{}' is already used by {}; {}", name, Math.max(1, d.getLineNumber()),
                            d.getRouteId(), other.getSourceResource() == null ? "another route" : display(pathOf(other.getSourceResource())), keeping);
                    return;
                }
            }
        }

        // 2. swap: the old routes of this file out (each finishes the exchanges in flight), the new ones in
        Set<String> added = new LinkedHashSet<>();
        int inflight = before.keySet().stream().mapToInt(id -> camel.getInflightRepository().size(id)).sum();
        if (inflight > 0) {
            LOG.info("{} changed: reloading once the {} exchange{} in progress in {} finish{}", name, inflight, inflight == 1 ? "" : "s",
                    String.join(", ", before.keySet()), inflight == 1 ? "es" : "");
        }
        try {
            model.removeRouteDefinitions(old);
            for (RouteBuilder rb : builders) added.addAll(rb.updateRoutesToCamelContext(camel));
        } catch (Exception e) {
            for (RouteDefinition d : fresh) if (d.getRouteId() != null) added.add(d.getRouteId());
            rollBack(camel, model, added, old);
            LOG.error("{} line {}: {}; {}", name, line(e, fresh), describe(e), keeping);
            return;
        }
        for (Map.Entry<String, ServiceStatus> was : before.entrySet()) {
            if (was.getValue() == ServiceStatus.Suspended && added.contains(was.getKey())) {
                try {
                    camel.getRouteController().suspendRoute(was.getKey());
                } catch (Exception e) {
                    LOG.warn("{}: route '{}' was suspended before the reload and could not be suspended again: {}", name, was.getKey(), describe(e));
                }
            }
        }
        if (content == null) loaded.remove(file); else loaded.put(file, content);

        List<String> now = new ArrayList<>();
        for (String id : added) now.add(id + " (" + String.valueOf(camel.getRouteController().getRouteStatus(id)).toLowerCase(Locale.ROOT) + ")");
        List<String> gone = before.keySet().stream().filter(id -> !added.contains(id)).toList();
        LOG.info("{} reloaded: {}{}", name, now.isEmpty() ? "no routes" : "routes " + String.join(", ", now),
                gone.isEmpty() ? "" : "; removed " + String.join(", ", gone));
    }

    /** Takes out whatever of the new routes got in, and puts the previous routes of the file back as they were. */
    private void rollBack(CamelContext camel, Model model, Set<String> added, List<RouteDefinition> old) {
        for (String id : added) {
            try {
                RouteDefinition d = model.getRouteDefinition(id);
                if (d != null && old.stream().noneMatch(o -> o == d)) model.removeRouteDefinition(d);
                if (camel.getRoute(id) != null) {
                    camel.getRouteController().stopRoute(id);
                    camel.removeRoute(id);
                }
            } catch (Exception e) {
                LOG.warn("removing route '{}' after a failed reload: {}", id, describe(e));
            }
        }
        try {
            if (!old.isEmpty()) model.addRouteDefinitions(old);
        } catch (Exception e) {
            LOG.error("putting the previous routes back after a failed reload: {}", describe(e));
        }
    }

    private boolean isFrom(Resource resource, Path file) {
        Path p = pathOf(resource);
        return p != null && p.equals(file);
    }

    private static Path pathOf(Resource resource) {
        if (resource == null || resource.getLocation() == null) return null;
        String loc = resource.getLocation();
        if (loc.startsWith("file:")) loc = loc.substring(5);
        else if (loc.contains(":") && !Path.of(loc).isAbsolute()) return null;
        return Path.of(loc).toAbsolutePath().normalize();
    }

    /** The 1-based line the problem is on: the YAML parser's mark, else Camel's source location, else the route's line. */
    static int line(Throwable e, List<RouteDefinition> routes) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException m) {
                Optional<Mark> mark = m.getProblemMark().or(m::getContextMark);
                if (mark.isPresent()) return mark.get().getLine() + 1;
            }
        }
        // "Failed to create route intake at: >>> Bean[ref:dropPlannerX] <<< in route: ...": the line of that step
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher at = FAILED_AT.matcher(String.valueOf(t.getMessage()));
            if (t instanceof FailedToCreateRouteException && at.find()) {
                int n = lineOfStep(routes, at.group(1));
                if (n > 0) return n;
            }
        }
        String routeId = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String location = t instanceof FailedToCreateRouteException c ? c.getLocation()
                    : t instanceof FailedToStartRouteException s ? s.getLocation() : null;
            int n = lineOf(location);
            if (n > 0) return n;
            if (routeId == null) routeId = t instanceof FailedToCreateRouteException c ? c.getRouteId()
                    : t instanceof FailedToStartRouteException s ? s.getRouteId() : null;
        }
        for (RouteDefinition d : routes) {
            if (routeId == null || Objects.equals(routeId, d.getRouteId())) {
                if (d.getLineNumber() > 0) return d.getLineNumber();
                if (d.getInput() != null && d.getInput().getLineNumber() > 0) return d.getInput().getLineNumber();
            }
        }
        return 1;
    }

    /** Blank, or only comments: a file without routes (Camel's YAML loader refuses an empty document). */
    private static boolean onlyComments(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).lines().map(String::strip)
                .allMatch(l -> l.isEmpty() || l.startsWith("#") || l.equals("---"));
    }

    private static int lineOfStep(List<? extends ProcessorDefinition<?>> steps, String text) {
        for (ProcessorDefinition<?> step : steps) {
            if (!(step instanceof RouteDefinition) && text.equals(step.toString()) && step.getLineNumber() > 0) return step.getLineNumber();
            int n = lineOfStep(step.getOutputs(), text);
            if (n > 0) return n;
        }
        return -1;
    }

    private static int lineOf(String location) {
        if (location == null) return -1;
        int colon = location.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(location.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One line: the YAML problem, or the innermost cause's message. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException m) {
                String problem = m.getProblem() == null ? "" : m.getProblem().trim();
                String context = m.getContext() == null ? "" : m.getContext().trim();
                String text = context.isEmpty() ? problem : problem.isEmpty() ? context : context + ": " + problem;
                if (!text.isEmpty()) return oneLine(text);
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return oneLine(message);
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s*\\R\\s*", " ").trim();
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
