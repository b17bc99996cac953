package io.lipdrop.pipeline;

import io.lipdrop.delivery.S3ClientFactory;
import io.lipdrop.delivery.S3Settings;
import io.lipdrop.testing.ClusterDrops;
import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.PostgresServer;
import io.lipdrop.testing.S3ProxyServer;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two LipDrop processes that share nothing but a bucket (a real s3proxy server) and a real PostgreSQL database: each
 * has its own home, no folder in common. 10 single drops and a batch of 5 are uploaded into the bucket's inbox/; the
 * node that leads housekeeping is killed with kill -9 in the middle of a job, with results it made not yet uploaded
 * (its uploads are slowed down). Every job ends in the bucket's outbox/ once, whole (those lost with the killed node
 * made again by the survivor); every input in its archive/; housekeeping moves to the survivor.
 */
class BucketClusterTest {
    private static final Pattern PROGRESS = Pattern.compile("INFO  (\\S+\\.mp4): (25|50|75)% \\(", Pattern.MULTILINE);
    private static final Pattern HOUSEKEEPING = Pattern.compile("^\\[([0-9-]+ [0-9:]+)\\] INFO  housekeeping: ", Pattern.MULTILINE);
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @TempDir Path tmp;

    @Test
    void twoNodesWithSeparateHomesMakeEveryBucketDropOnceAndSurviveTheKillOfTheLeader() throws Exception {
        Path stage = tmp.resolve("stage");
        List<String> jobs = ClusterDrops.stage(stage, 10, 5);
        try (S3ProxyServer server = new S3ProxyServer(tmp.resolve("s3")).start();
             PostgresServer postgres = PostgresServer.start();
             S3Client s3 = S3ClientFactory.create(new S3Settings("x", "", "us-east-1", server.endpoint(), true,
                     S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, 5L << 20, 1, 1, 10))) {
            s3.createBucket(b -> b.bucket("drops"));
            String url = postgres.newDatabase("bucket");
            List<LipDropProcess> nodes = new ArrayList<>();
            try {
                // node1 first, so that it leads housekeeping; its uploads wait 20 s, so that it dies with results made
                // and not yet in the bucket, which the survivor must make again
                nodes.add(node(1, server, postgres, url, "lipdrop.s3.poll-millis=20000"));
                long led = System.currentTimeMillis() + 60_000;
                while (leader(url, postgres) != 0 && System.currentTimeMillis() < led) Thread.sleep(100);
                assertEquals(0, leader(url, postgres), "node1 leads housekeeping");
                nodes.add(node(2, server, postgres, url, "lipdrop.s3.poll-millis=300"));
                try (var files = Files.walk(stage)) {
                    for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                        s3.putObject(b -> b.bucket("drops").key("inbox/" + stage.relativize(p)), RequestBody.fromFile(p));
                    }
                }

                // the housekeeping leader, once it has run housekeeping and made a job, is killed in the middle of another
                int victim = -1;
                String interrupted = null;
                LocalDateTime killedAt = null;
                long deadline = System.currentTimeMillis() + 240_000;
                while (victim < 0 && System.currentTimeMillis() < deadline) {
                    int leader = leader(url, postgres);
                    if (leader >= 0 && HOUSEKEEPING.matcher(nodes.get(leader).log()).find() && nodes.get(leader).count("done \\S+ -> ") > 0) {
                        Matcher m = PROGRESS.matcher(nodes.get(leader).log());
                        while (m.find()) {
                            String job = m.group(1);
                            if (!nodes.get(leader).log().contains("done " + job + " ->")) {
                                nodes.get(leader).kill9();
                                killedAt = LocalDateTime.now();
                                victim = leader;
                                interrupted = job;
                                break;
                            }
                        }
                    }
                    Thread.sleep(50);
                }
                assertTrue(victim >= 0, "the housekeeping leader was not seen in the middle of a job:\n" + allLogs(nodes));
                LipDropProcess survivor = nodes.get(1 - victim);

                Set<String> expectedOutbox = new TreeSet<>();
                Set<String> expectedArchive = new TreeSet<>();
                String today = LocalDate.now().toString();
                for (String job : jobs) {
                    expectedOutbox.add("outbox/" + job);
                    expectedOutbox.add("outbox/" + job.replace(".mp4", ".report.json"));
                }
                try (var files = Files.walk(stage)) {
                    files.filter(Files::isRegularFile).forEach(p -> expectedArchive.add("archive/" + today + "/" + stage.relativize(p)));
                }
                deadline = System.currentTimeMillis() + 420_000;
                while (System.currentTimeMillis() < deadline
                        && !(keys(s3, "outbox/").equals(expectedOutbox) && keys(s3, "archive/").equals(expectedArchive) && keys(s3, "inbox/").isEmpty())) {
                    Thread.sleep(500);
                }
                String logs = allLogs(nodes);
                assertEquals(expectedOutbox, keys(s3, "outbox/"), "each job's video and report in the bucket, once:\n" + logs);
                assertEquals(expectedArchive, keys(s3, "archive/"), "every input archived in the bucket:\n" + logs);
                assertEquals(Set.of(), keys(s3, "inbox/"), "the bucket's inbox emptied");
                for (String job : jobs) {
                    Path video = tmp.resolve("check").resolve(job);
                    Files.createDirectories(video.getParent());
                    Files.deleteIfExists(video);
                    s3.getObject(b -> b.bucket("drops").key("outbox/" + job), video);
                    assertEquals(40, TestMedia.probe(video).frames(), job + " whole");
                }
                String reportKey = "outbox/" + interrupted.replace(".mp4", ".report.json");
                String report = s3.getObjectAsBytes(b -> b.bucket("drops").key(reportKey)).asUtf8String();
                assertTrue(report.contains("\"node\": \"node" + (2 - victim) + "\""), "the interrupted job finished by the survivor: " + report);

                // made once each by the survivor; by both nodes only where the killed node's result never reached the bucket
                long remade = 0;
                for (String job : jobs) {
                    long bySurvivor = survivor.count("done " + Pattern.quote(job) + " -> ");
                    long byVictim = nodes.get(victim).count("done " + Pattern.quote(job) + " -> ");
                    assertTrue(bySurvivor <= 1, job + " made " + bySurvivor + " times by the survivor:\n" + logs);
                    assertEquals(1, Math.min(1, bySurvivor + byVictim), job + " made:\n" + logs);
                    if (bySurvivor == 1 && byVictim == 1) {
                        assertTrue(survivor.log().contains(": made by node node" + (victim + 1) + ", which stopped before it was in the bucket"),
                                job + " made twice without its result lost:\n" + logs);
                        remade++;
                    }
                }
                try (Connection db = DriverManager.getConnection(url, postgres.user(), postgres.password());
                     Statement st = db.createStatement();
                     ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status")) {
                    Map<String, Integer> byStatus = new HashMap<>();
                    while (rs.next()) byStatus.put(rs.getString(1), rs.getInt(2));
                    assertEquals(Map.of("DONE", jobs.size()), byStatus);
                }

                // housekeeping: on the leader until the kill, then on the survivor, never on both in one second
                String killSecond = killedAt.format(LOG_TIME);
                long survivorRunsBy = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < survivorRunsBy && runs(survivor).stream().noneMatch(t -> t.compareTo(killSecond) >= 0)) {
                    Thread.sleep(250);
                }
                List<String> before = runs(nodes.get(victim));
                List<String> after = runs(survivor);
                assertFalse(before.isEmpty(), "the leader ran housekeeping before it was killed");
                assertTrue(after.stream().anyMatch(t -> t.compareTo(killSecond) >= 0), "housekeeping moved to the survivor:\n" + survivor.log());
                for (String t : after) assertTrue(t.compareTo(before.get(0)) < 0 || t.compareTo(killSecond) >= 0,
                        "the survivor ran housekeeping at " + t + " while node" + (victim + 1) + " led it (" + before + ")");
                System.out.println("bucket cluster: node" + (victim + 1) + " (the housekeeping leader) killed during " + interrupted
                        + "; jobs made: node1=" + nodes.get(0).count("done \\S+ -> ") + " node2=" + nodes.get(1).count("done \\S+ -> ")
                        + "; made again after the kill (never uploaded) " + remade
                        + "; housekeeping runs before the kill " + before.size() + ", by the survivor after it " + after.size());
                assertTrue(remade > 0, "the killed node's finished, unuploaded results were made again by the survivor");
            } finally {
                for (LipDropProcess p : nodes) p.close();
            }
        }
    }

    /** Node n: its own home, the bucket as its drop folder and outbox, the shared database. */
    private LipDropProcess node(int n, S3ProxyServer s3, PostgresServer postgres, String url, String delivery) throws Exception {
        return new LipDropProcess(tmp.resolve("node" + n), delivery,
                "lipdrop.intake.source=s3", "lipdrop.s3.bucket=drops", "lipdrop.s3.endpoint=" + s3.endpoint(),
                "lipdrop.s3.access-key=" + S3ProxyServer.ACCESS_KEY, "lipdrop.s3.secret-key=" + S3ProxyServer.SECRET_KEY,
                "lipdrop.s3.inbox-poll-millis=500", "lipdrop.s3.retry-initial-millis=300",
                "lipdrop.s3.retry-max-millis=2000", "lipdrop.s3.timeout-seconds=10", "lipdrop.intake.stable-millis=1000",
                "lipdrop.store.url=" + url, "lipdrop.store.user=" + postgres.user(), "lipdrop.store.password=" + postgres.password(),
                "lipdrop.store.lease-seconds=6", "lipdrop.cluster.lease-seconds=6", "lipdrop.node.id=node" + n,
                "lipdrop.housekeeping.cron=0/2 * * * * ?", "lipdrop.cpu-threads=1", "camel.management.port=" + FreePorts.next(),
                // what is tested is where the files go; captions would only take the 2-core machine's time
                "lipdrop.captions=off").start();
    }

    /** The node (0 or 1) holding the housekeeping lease now, or -1. */
    private static int leader(String url, PostgresServer postgres) throws Exception {
        try (Connection db = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT node FROM locks WHERE name = 'cluster:lipdrop-housekeeping' AND until_at > CURRENT_TIMESTAMP")) {
            return rs.next() ? Integer.parseInt(rs.getString(1).substring("node".length())) - 1 : -1;
        } catch (java.sql.SQLException notYet) {
            return -1; // the tables are created by the first node's start
        }
    }

    private static Set<String> keys(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket("drops").prefix(prefix)).contents().stream().map(S3Object::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<String> runs(LipDropProcess node) {
        List<String> times = new ArrayList<>();
        Matcher m = HOUSEKEEPING.matcher(node.log());
        while (m.find()) times.add(m.group(1));
        return times;
    }

    private static String allLogs(List<LipDropProcess> nodes) {
        StringBuilder b = new StringBuilder();
        for (int n = 0; n < nodes.size(); n++) b.append("--- node").append(n + 1).append('\n').append(nodes.get(n).log());
        return b.toString();
    }
}
