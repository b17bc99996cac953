package io.lipdrop.pipeline;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.ClusterDrops;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.PostgresServer;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three LipDrop processes on one set of shared folders and one real PostgreSQL database, 18 jobs dropped at
 * once (12 singles and a batch of 6), one node killed with kill -9 in the middle of a job.
 */
class MultiNodeTest {
    private static final Pattern PROGRESS = Pattern.compile("INFO  (\\S+\\.mp4): (25|50)% \\(", Pattern.MULTILINE);
    private static final Pattern HOUSEKEEPING = Pattern.compile("^\\[([0-9-]+ [0-9:]+)\\] INFO  housekeeping: ", Pattern.MULTILINE);

    @TempDir Path tmp;

    @Test
    void threeNodesMakeEveryJobExactlyOnceAndFinishTheJobOfAKilledNode() throws Exception {
        Path shared = tmp.resolve("shared");
        Path inbox = shared.resolve("inbox");
        Path outbox = shared.resolve("outbox");
        Path archive = shared.resolve("archive");
        List<String> jobs = ClusterDrops.stage(tmp.resolve("stage"), 12, 6);

        try (PostgresServer postgres = PostgresServer.start()) {
            String url = postgres.newDatabase("cluster");
            List<LipDropProcess> nodes = new ArrayList<>();
            try {
                for (int n = 1; n <= 3; n++) {
                    nodes.add(node(n, shared, postgres, url, 6, "lipdrop.housekeeping.cron=0/2 * * * * ?", "lipdrop.cpu-threads=1"));
                }
                // everything at once, each file with one rename (the stage is on the same file system)
                try (var files = Files.list(tmp.resolve("stage"))) {
                    for (Path p : files.toList()) Files.move(p, inbox.resolve(p.getFileName()));
                }

                // kill -9 the first node seen in the middle of a job
                int victim = -1;
                String interrupted = null;
                long deadline = System.currentTimeMillis() + 240_000;
                while (victim < 0 && System.currentTimeMillis() < deadline) {
                    for (int n = 0; n < 3 && victim < 0; n++) {
                        Matcher m = PROGRESS.matcher(nodes.get(n).log());
                        while (m.find()) {
                            String job = m.group(1);
                            if (!nodes.get(n).log().contains("done " + job + " ->")) {
                                victim = n;
                                interrupted = job;
                                nodes.get(n).kill9();
                                break;
                            }
                        }
                    }
                    Thread.sleep(50);
                }
                assertTrue(victim >= 0, "no node was seen in the middle of a job");
                String killed = "node" + (victim + 1);

                // the survivors finish every job, the killed node's one included
                deadline = System.currentTimeMillis() + 420_000;
                while (System.currentTimeMillis() < deadline && !(allMade(outbox, jobs) && inboxEmpty(inbox))) Thread.sleep(500);
                String logs = allLogs(nodes);
                assertTrue(allMade(outbox, jobs), "not every job was made:\n" + logs);
                assertTrue(inboxEmpty(inbox), "inputs left in the inbox:\n" + LipDropProcess.files(inbox));

                for (String job : jobs) {
                    long made = nodes.stream().mapToLong(p -> p.count("done " + Pattern.quote(job) + " -> ")).sum();
                    assertEquals(1, made, job + " made exactly once across the nodes:\n" + logs);
                }
                int takenOverBy = -1;
                for (int n = 0; n < 3; n++) {
                    if (n != victim && nodes.get(n).log().contains("done " + interrupted + " -> ")) takenOverBy = n;
                }
                assertTrue(takenOverBy >= 0, interrupted + " was finished by another node");
                String report = Files.readString(outbox.resolve(interrupted.replace(".mp4", ".report.json")));
                assertFalse(report.contains("\"node\": \"" + killed + "\"") || report.contains("\"node\":\"" + killed + "\""), report);

                // only complete results in the outbox: a video, its report and its captions per job, each video whole
                Set<String> expected = new TreeSet<>();
                for (String job : jobs) {
                    expected.add(job);
                    for (String kind : new String[] {".report.json", ".srt", ".vtt"}) expected.add(job.replace(".mp4", kind));
                }
                Set<String> present = new TreeSet<>();
                for (File f : LipDropProcess.files(outbox)) present.add(outbox.relativize(f.toPath()).toString());
                assertEquals(expected, present);
                for (String job : jobs) assertEquals(40, TestMedia.probe(outbox.resolve(job)).frames(), job);

                // the batch: archived once, by whichever node finished it last
                long batchLines = nodes.stream().mapToLong(p -> p.count("batch promo: 6/6 succeeded")).sum();
                assertEquals(1, batchLines, "the batch is finished by one node:\n" + logs);
                Path archived = archive.resolve(LocalDate.now().toString());
                assertTrue(Files.exists(archived.resolve("promo/script.wav")));
                for (int i = 0; i < 12; i++) assertTrue(Files.exists(archived.resolve("s" + i + ".wav")), "s" + i + ".wav archived");

                // every job done in the shared store, each by a live node or before the kill
                try (Connection db = DriverManager.getConnection(url, postgres.user(), postgres.password());
                     Statement st = db.createStatement();
                     ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status")) {
                    Map<String, Integer> byStatus = new HashMap<>();
                    while (rs.next()) byStatus.put(rs.getString(1), rs.getInt(2));
                    assertEquals(Map.of("DONE", jobs.size()), byStatus);
                }

                // housekeeping of the shared folders: one node at a time. It runs every 2 s on the leader, which the
                // nodes elect by a file lock; the jobs can all be done before the first run, so it is waited for
                long housekeepingBy = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < housekeepingBy
                        && nodes.stream().noneMatch(node -> HOUSEKEEPING.matcher(node.log()).find())) {
                    Thread.sleep(250);
                }
                Map<String, Set<Integer>> runsBySecond = new HashMap<>();
                Set<Integer> housekeepers = new HashSet<>();
                for (int n = 0; n < 3; n++) {
                    Matcher m = HOUSEKEEPING.matcher(nodes.get(n).log());
                    while (m.find()) {
                        runsBySecond.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(n);
                        housekeepers.add(n);
                    }
                }
                assertFalse(housekeepers.isEmpty(), "housekeeping ran");
                runsBySecond.forEach((second, who) -> assertEquals(1, who.size(), "two nodes ran housekeeping at " + second));
                if (!housekeepers.contains(victim)) assertEquals(1, housekeepers.size(), "one leader while it lives: " + housekeepers);
                assertNotEquals(victim, takenOverBy);
                StringBuilder share = new StringBuilder();
                for (int n = 0; n < 3; n++) share.append(" node").append(n + 1).append('=').append(nodes.get(n).count("done \\S+ -> "));
                System.out.println("multi-node: " + killed + " killed during " + interrupted + ", finished by node" + (takenOverBy + 1)
                        + "; jobs made per node:" + share + "; housekeeping ran on " + housekeepers.stream().map(n -> "node" + (n + 1)).toList());
            } finally {
                for (LipDropProcess p : nodes) p.close();
            }
        }
    }

    /**
     * A node that stalls past its lease (SIGSTOP: a paused VM, a long GC) loses its job to another node; when it
     * goes on, it finds its claim gone and throws its result away: the other node's video and record stand.
     */
    @Test
    void aNodeThatComesBackAfterItsLeaseWasTakenDoesNotOverwriteTheResult() throws Exception {
        Path shared = tmp.resolve("shared");
        Path inbox = shared.resolve("inbox");
        Path outbox = shared.resolve("outbox");
        Path stage = tmp.resolve("stage");
        Files.createDirectories(stage);
        Path photo = Fixtures.copy("face_astronaut.png", tmp.resolve("photo"));
        Path speech = TestMedia.shortSpeech(Fixtures.copy("speech_en_16k.wav", tmp.resolve("audio")), 6.0);
        Files.copy(speech, stage.resolve("long.wav"));
        TestMedia.videoFromPhoto(photo, stage.resolve("long.mp4"), 480, 360, 2.0, 25);

        try (PostgresServer postgres = PostgresServer.start()) {
            String url = postgres.newDatabase("stall");
            List<LipDropProcess> nodes = new ArrayList<>();
            try {
                for (int n = 1; n <= 2; n++) nodes.add(node(n, shared, postgres, url, 3));
                Files.move(stage.resolve("long.wav"), inbox.resolve("long.wav"));
                Files.move(stage.resolve("long.mp4"), inbox.resolve("long.mp4"));
                long deadline = System.currentTimeMillis() + 120_000;
                int first = -1;
                while (first < 0 && System.currentTimeMillis() < deadline) {
                    for (int n = 0; n < 2 && first < 0; n++) if (nodes.get(n).log().contains("long.mp4: 25% (")) first = n;
                    Thread.sleep(20);
                }
                assertTrue(first >= 0, "a node started the job");
                LipDropProcess stalled = nodes.get(first);
                LipDropProcess other = nodes.get(1 - first);
                stalled.signal("STOP");
                try {
                    other.waitForLog("done long.mp4 -> outbox/long.mp4", 120);
                } finally {
                    stalled.signal("CONT");
                }
                String report = Files.readString(outbox.resolve("long.report.json"));
                stalled.waitForLog("the claim of long.mp4 was lost to node node" + (2 - first) + " \\(its lease expired\\); this node's result is discarded", 120);
                assertEquals(0, stalled.count("done long.mp4 -> "), "the stalled node settled nothing:\n" + stalled.log());
                assertEquals(report, Files.readString(outbox.resolve("long.report.json")), "the other node's result stands");
                assertTrue(report.contains("node" + (2 - first)), report);
                try (Connection db = DriverManager.getConnection(url, postgres.user(), postgres.password());
                     Statement st = db.createStatement();
                     ResultSet rs = st.executeQuery("SELECT status, node, attempts FROM jobs")) {
                    assertTrue(rs.next());
                    assertEquals("DONE", rs.getString(1));
                    assertEquals("node" + (2 - first), rs.getString(2));
                    assertEquals(2, rs.getInt(3));
                    assertFalse(rs.next());
                }
                assertEquals(150, TestMedia.probe(outbox.resolve("long.mp4")).frames());
            } finally {
                for (LipDropProcess p : nodes) p.close();
            }
        }
    }

    /** Node n: its own home (work, logs, data), the shared inbox, outbox and archive, the shared database. */
    private LipDropProcess node(int n, Path shared, PostgresServer postgres, String url, int leaseSeconds, String... more)
            throws Exception {
        List<String> p = new ArrayList<>(List.of("lipdrop.inbox=" + shared.resolve("inbox"), "lipdrop.outbox=" + shared.resolve("outbox"),
                "lipdrop.archive=" + shared.resolve("archive"), "lipdrop.store.url=" + url, "lipdrop.store.user=" + postgres.user(),
                "lipdrop.store.password=" + postgres.password(), "lipdrop.store.lease-seconds=" + leaseSeconds,
                "lipdrop.node.id=node" + n, "camel.management.port=" + FreePorts.next()));
        p.addAll(List.of(more));
        return new LipDropProcess(tmp.resolve("node" + n), p.toArray(String[]::new)).start();
    }

    private static boolean allMade(Path outbox, List<String> jobs) {
        return jobs.stream().allMatch(j -> Files.exists(outbox.resolve(j)) && Files.exists(outbox.resolve(j.replace(".mp4", ".report.json"))));
    }

    private static boolean inboxEmpty(Path inbox) throws Exception {
        return LipDropProcess.files(inbox).isEmpty();
    }

    private static String allLogs(List<LipDropProcess> nodes) {
        StringBuilder b = new StringBuilder();
        for (int n = 0; n < nodes.size(); n++) b.append("--- node").append(n + 1).append('\n').append(nodes.get(n).log());
        return b.toString();
    }

}
