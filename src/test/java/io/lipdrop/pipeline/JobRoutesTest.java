package io.lipdrop.pipeline;

import io.lipdrop.LipDropApplication;
import io.lipdrop.LipDropWiring;
import io.lipdrop.RouteContract;
import io.lipdrop.Settings;
import io.lipdrop.files.FileTrees;
import io.lipdrop.job.JobProgress;
import io.lipdrop.job.JobRecord;
import io.lipdrop.job.JobStatus;
import io.lipdrop.job.ProgressRecord;
import io.lipdrop.jobs.JobStore;
import io.lipdrop.jobs.JobStores;
import io.lipdrop.jobs.JobsConfiguration;
import io.lipdrop.lipsync.LipSyncService;
import io.lipdrop.lipsync.face.models.FaceModels;
import io.lipdrop.metrics.LipDropMetrics;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The YAML routes (intake and job) with LipDrop's own configurations in one in-process Camel Main, as the
 * service wires them: a drop becomes a video, its outcome is in the store, the same content again is a
 * duplicate, and the route contract notices a stopped or missing route.
 */
class JobRoutesTest extends CamelMainTestSupport {
    /** Made on first use: CamelTestSupport asks for the properties from its constructor, before any field is set. */
    private Path home;
    private Settings settings;
    private JobStore store;
    private LipSyncService lipSync;
    private JobProgress progress;

    private Settings settings() {
        if (settings == null) {
            try {
                home = Files.createTempDirectory("lipdrop-routes");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Properties p = new Properties();
            p.setProperty("lipdrop.home", home.toString());
            p.setProperty("lipdrop.intake.stable-millis", "300");
            p.setProperty("lipdrop.intake.poll-millis", "200");
            p.setProperty("lipdrop.cpu-threads", "2");
            p.setProperty("lipdrop.jobs.workers", "2"); // a batch's videos at once
            p.setProperty("lipdrop.jobs.progress-millis", "200");
            // no HTTP server and no reload watcher: this context is the test's
            p.setProperty("camel.management.enabled", "false");
            p.setProperty("camel.main.routes-reload-enabled", "false");
            settings = Settings.load(Map.of(), p);
        }
        return settings;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        return settings().asProperties();
    }

    @Override
    protected void configure(MainConfigurationProperties main) {
        Settings s = settings();
        try {
            for (String folder : List.of("inbox", "outbox", "archive", "work", "data", "logs")) Files.createDirectories(s.folder(folder));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        FaceModels faces = LipDropApplication.ensureFaceModels(s);
        lipSync = LipDropApplication.lipSyncService(s, faces);
        store = JobStores.open(s, false);
        LipDropWiring wiring = LipDropWiring.of(s, store, lipSync, faces, LipDropMetrics.none(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        wiring.configurations().forEach(main::addConfiguration);
        progress = wiring.configurations().stream().filter(JobsConfiguration.class::isInstance).map(c -> ((JobsConfiguration) c).progress())
                .findFirst().orElseThrow();
        Path routes = Path.of(System.getProperty("lipdrop.app", ".")).toAbsolutePath().resolve("routes");
        main.withRoutesIncludePattern("file:" + routes.resolve("intake.yaml") + ",file:" + routes.resolve("jobs.yaml"));
    }

    @AfterEach
    void closeNode() throws Exception {
        if (store != null) store.close();
        if (lipSync != null) lipSync.close();
        FileTrees.delete(home);
    }

    @Test
    void aDropBecomesAVideoAndTheSameContentAgainIsADuplicate() throws Exception {
        Path inbox = settings.folder("inbox");
        Path stage = home.resolve("stage");
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", stage), 2.0);
        Path photo = Fixtures.copy("face_astronaut.png", stage);

        NotifyBuilder made = new NotifyBuilder(context).fromRoute(RouteContract.INTAKE_ROUTE).whenCompleted(1).create();
        Files.copy(speech, inbox.resolve("anna.wav"));
        Files.copy(photo, inbox.resolve("anna.png"));
        assertTrue(made.matches(180, TimeUnit.SECONDS), "the drop went through the intake and job routes");

        assertTrue(Files.exists(settings.folder("outbox").resolve("anna.mp4")));
        assertEquals(50, TestMedia.probe(settings.folder("outbox").resolve("anna.mp4")).frames());
        JobRecord job = store.findByOutput("anna.mp4").orElseThrow();
        assertEquals(JobStatus.DONE, job.status());
        assertEquals(store.nodeId(), job.node());
        Path archived = settings.folder("archive").resolve(LocalDate.now().toString());
        assertTrue(Files.exists(archived.resolve("anna.wav")) && Files.exists(archived.resolve("anna.png")), "archived once done");

        NotifyBuilder again = new NotifyBuilder(context).fromRoute(RouteContract.INTAKE_ROUTE).whenCompleted(1).create();
        Files.copy(speech, inbox.resolve("bob.wav"));
        Files.copy(photo, inbox.resolve("bob.png"));
        assertTrue(again.matches(60, TimeUnit.SECONDS));
        for (int i = 0; i < 100 && (Files.exists(inbox.resolve("bob.wav")) || Files.exists(inbox.resolve("bob.png"))); i++) Thread.sleep(100);
        assertTrue(Files.exists(archived.resolve("bob.wav")) && Files.exists(archived.resolve("bob.png")), "the duplicate's inputs are archived too");
        Path outbox = settings.folder("outbox");
        assertTrue(Files.isSameFile(outbox.resolve("anna.mp4"), outbox.resolve("bob.mp4")), "the result, delivered under the duplicate's own name");
        var report = (org.apache.camel.util.json.JsonObject) org.apache.camel.util.json.Jsoner.deserialize(
                Files.readString(outbox.resolve("bob.report.json")));
        assertEquals(job.key(), report.getString("reused"));
        assertEquals(job.key(), store.findByOutput("bob.mp4").orElseThrow().key());
        assertEquals(1, job.attempts());
        assertEquals(1, store.find(job.key()).orElseThrow().attempts(), "not claimed again, not made again");
    }

    /** The job-progress route (jobs.yaml) copies this node's board into the store for the other nodes' pages, and clears what ended. */
    @Test
    void theProgressRouteSharesThisNodesJobsThroughTheStore() throws Exception {
        progress.started("k-progress", "carol.mp4");
        progress.update("k-progress", "carol.mp4", 30, 120);
        ProgressRecord shared = null;
        for (int i = 0; i < 100 && shared == null; i++) {
            shared = store.progress().stream().filter(p -> p.key().equals("k-progress")).findFirst().orElse(null);
            if (shared == null) Thread.sleep(100);
        }
        assertTrue(shared != null, "shared within 10 s (every 200 ms here)");
        assertEquals(30, shared.done());
        assertEquals(120, shared.total());
        assertEquals(store.nodeId(), shared.node());

        progress.finished("k-progress");
        for (int i = 0; i < 100 && !store.progress().isEmpty(); i++) Thread.sleep(100);
        assertEquals(List.of(), store.progress(), "a finished job's progress is cleared from the store");
    }

    /** The earlier result was deleted (housekeeping's outbox retention): the duplicate is made again, not linked to nothing. */
    @Test
    void aDuplicateWhoseResultWasDeletedIsMadeAgain() throws Exception {
        Path inbox = settings.folder("inbox");
        Path outbox = settings.folder("outbox");
        Path archived = settings.folder("archive").resolve(LocalDate.now().toString());
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", home.resolve("audio")), 1.0);
        Path photo = Fixtures.copy("face_astronaut.png", home.resolve("audio"));
        Files.copy(speech, inbox.resolve("old.wav"));
        Files.copy(photo, inbox.resolve("old.png"));
        for (int i = 0; i < 1800 && !Files.exists(archived.resolve("old.png")); i++) Thread.sleep(100);
        Files.delete(outbox.resolve("old.mp4"));
        Files.delete(outbox.resolve("old.report.json"));

        Files.copy(speech, inbox.resolve("new.wav"));
        Files.copy(photo, inbox.resolve("new.png"));
        for (int i = 0; i < 1800 && !Files.exists(archived.resolve("new.png")); i++) Thread.sleep(100);
        assertTrue(Files.exists(archived.resolve("new.png")), "finished");
        JobRecord job = store.findByOutput("new.mp4").orElseThrow();
        assertEquals(JobStatus.DONE, job.status());
        assertEquals("new.mp4", job.output(), "made again, for this drop");
        assertEquals(25, TestMedia.probe(outbox.resolve("new.mp4")).frames());
        String report = Files.readString(outbox.resolve("new.report.json"));
        assertTrue(!((org.apache.camel.util.json.JsonObject) org.apache.camel.util.json.Jsoner.deserialize(report)).containsKey("reused"));
    }

    /** Two workers start both twins at once: one makes the video, the other waits for it and gets its result. */
    @Test
    void theSameContentTwiceInABatchIsMadeOnceAndBothVideosGetIt() throws Exception {
        Path stage = home.resolve("stage/twins");
        Files.createDirectories(stage);
        Files.copy(TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", home.resolve("audio")), 2.0), stage.resolve("script.wav"));
        Fixtures.copy("face_astronaut.png", stage, "a.png");
        Fixtures.copy("face_astronaut.png", stage, "b.png");
        Files.move(stage, settings.folder("inbox").resolve("twins"));

        Path archived = settings.folder("archive").resolve(LocalDate.now().toString()).resolve("twins");
        for (int i = 0; i < 1800 && !Files.exists(archived); i++) Thread.sleep(100);
        assertTrue(Files.exists(archived), "the batch is finished");
        Path out = settings.folder("outbox").resolve("twins");
        assertTrue(Files.isSameFile(out.resolve("a.mp4"), out.resolve("b.mp4")), "both videos, one result");
        JobRecord job = store.findByOutput("twins/a.mp4").orElseThrow();
        assertEquals(job.key(), store.findByOutput("twins/b.mp4").orElseThrow().key());
        assertEquals(1, job.attempts(), "made once");
        long reused = 0;
        for (String v : new String[] {"a", "b"}) {
            String report = Files.readString(out.resolve(v + ".report.json"));
            if (((org.apache.camel.util.json.JsonObject) org.apache.camel.util.json.Jsoner.deserialize(report)).containsKey("reused")) reused++;
        }
        assertEquals(1, reused);
    }

    @Test
    void theRouteContractNamesAStoppedOrMissingRoute() throws Exception {
        assertEquals(List.of(), RouteContract.missingRoutes(context, false));
        context.getRouteController().stopRoute(RouteContract.JOB_ROUTE);
        assertEquals(List.of("route 'job' (routes/jobs.yaml) is stopped"), RouteContract.missingRoutes(context, false));
        context.removeRoute(RouteContract.JOB_ROUTE);
        assertEquals(List.of("route 'job' (routes/jobs.yaml) is missing: LipDrop needs a route with this id"),
                RouteContract.missingRoutes(context, false));
        assertEquals(2, RouteContract.missingRoutes(context, true).size(), "and the delivery route when delivery is on");
    }
}
