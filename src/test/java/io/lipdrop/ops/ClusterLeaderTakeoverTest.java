package io.lipdrop.ops;

import io.lipdrop.testing.FreePorts;
import io.lipdrop.testing.LipDropProcess;
import io.lipdrop.testing.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real LipDrop processes, each on its own home (no folder shared at all), on one real PostgreSQL: exactly one leads
 * the master routes; stopped, it hands them over at the next node's next try; killed with kill -9, another node
 * leads once the dead leader's lease has run out. The lease is 9 s here (30 s by default) to keep the test short;
 * the takeover must come within the lease and one renewal period.
 */
class ClusterLeaderTakeoverTest {
    private static final int LEASE = 9;
    private static final String HOUSEKEEPING = "^\\[[0-9: -]+\\] INFO  housekeeping: ";
    private static final String[] NAMESPACES = {"lipdrop-housekeeping", "lipdrop-notify"};

    @TempDir Path tmp;

    @Test
    void aStoppedLeaderHandsOverAtOnceAndAKilledOneWithinItsLease() throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            String url = postgres.newDatabase("leaders");
            LipDropProcess one = node(1, postgres, url);
            LipDropProcess two = node(2, postgres, url);
            LipDropProcess three = node(3, postgres, url);
            try {
                one.start();
                two.start();
                // the first node takes every lease at its first try; the second finds them held
                for (String ns : NAMESPACES) one.waitForLog(leads(1, ns), 15);
                // the master route runs there (its pass every 2 s logs a summary), and on no other node
                one.waitForLog(HOUSEKEEPING, 10);
                Thread.sleep(LEASE * 1000 / 3 + 500); // the second node has tried at least once
                assertEquals(0, two.count("cluster: this node \\(node2\\) leads "), "one leader:\n" + two.log());
                assertEquals(0, two.count(HOUSEKEEPING), "housekeeping on the leader only:\n" + two.log());
                assertEquals(Map.of("cluster:lipdrop-housekeeping", "node1", "cluster:lipdrop-notify", "node1"), leases(url, postgres));

                // a graceful stop (SIGTERM) releases the leases: the next node leads at its next try, not after the lease
                long stopped = System.nanoTime();
                one.close();
                one.waitForLog("cluster: this node \\(node1\\) no longer leads lipdrop-housekeeping: this node stops", 1);
                for (String ns : NAMESPACES) two.waitForLog(leads(2, ns), LEASE / 3 + 2);
                long handedOver = (System.nanoTime() - stopped) / 1_000_000;
                two.waitForLog(HOUSEKEEPING, 5);

                // a third node joins and follows; the leader is killed: the third leads once the lease has run out
                three.start();
                Thread.sleep(LEASE * 1000 / 3 + 500);
                assertEquals(0, three.count("cluster: this node \\(node3\\) leads "), "one leader:\n" + three.log());
                long killed = System.nanoTime();
                two.kill9();
                for (String ns : NAMESPACES) three.waitForLog(leads(3, ns), LEASE + LEASE / 3 + 2);
                long ms = (System.nanoTime() - killed) / 1_000_000;
                three.waitForLog(HOUSEKEEPING, 5);
                assertEquals(Map.of("cluster:lipdrop-housekeeping", "node3", "cluster:lipdrop-notify", "node3"), leases(url, postgres));
                // the dead node's lease had to run out first: not before lease - period since its last renewal
                assertTrue(ms >= (LEASE - LEASE / 3) * 1000L - 500 && ms <= (LEASE + LEASE / 3) * 1000L + 1000,
                        "taken over " + ms + " ms after kill -9 (lease " + LEASE + " s)");
                System.out.println("cluster takeover (lease " + LEASE + " s): " + handedOver + " ms after the leader was sent SIGTERM, "
                        + ms + " ms after the leader's kill -9");
            } finally {
                for (LipDropProcess p : List.of(one, two, three)) p.close();
            }
        }
    }

    private static String leads(int node, String namespace) {
        return "cluster: this node \\(node" + node + "\\) leads " + namespace + " ";
    }

    private LipDropProcess node(int n, PostgresServer postgres, String url) {
        return new LipDropProcess(tmp.resolve("node" + n), "lipdrop.store.url=" + url, "lipdrop.store.user=" + postgres.user(),
                "lipdrop.store.password=" + postgres.password(), "lipdrop.cluster.lease-seconds=" + LEASE,
                "lipdrop.node.id=node" + n, "camel.management.port=" + FreePorts.next(), "lipdrop.housekeeping.cron=0/2 * * * * ?");
    }

    private static Map<String, String> leases(String url, PostgresServer postgres) throws Exception {
        Map<String, String> held = new TreeMap<>();
        try (Connection db = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, node FROM locks WHERE name LIKE 'cluster:%' AND until_at > CURRENT_TIMESTAMP")) {
            while (rs.next()) held.put(rs.getString(1), rs.getString(2));
        }
        return held;
    }
}
