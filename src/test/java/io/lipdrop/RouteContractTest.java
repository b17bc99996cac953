package io.lipdrop;

import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A user's route that names a bean LipDrop does not have fails the start with one line naming both. */
class RouteContractTest {
    @TempDir Path dir;

    @Test
    void aRenamedBeanIsNamedWithItsRouteAndFile() throws Exception {
        Path routes = dir.resolve("intake.yaml");
        Files.writeString(routes, """
                - route:
                    id: intake
                    from:
                      uri: "timer:tick"
                      steps:
                        - setBody:
                            method:
                              ref: dropPlaner
                              method: plan
                """);
        Main main = new Main();
        main.configure().withRoutesIncludePattern("file:" + routes);
        main.bind(RouteContract.DROP_PLANNER, new Object());
        Exception e = assertThrows(Exception.class, main::start);
        main.stop();
        assertEquals("route 'intake' (routes/intake.yaml) refers to a bean named 'dropPlaner', which LipDrop does not have; "
                + "its beans are inboxFilter, dropPlanner, jobKeys, jobRepository, jobRunner, jobOutcomes, quarantine, archiver, deepDrops, "
                + "housekeeper, diskWatermark, nodePause, deliveries, s3Client, jobWorkers, callbackSender, progressPublisher, bucketInbox (see io.lipdrop.RouteContract)", RouteContract.explainStartFailure(e));
        assertNull(RouteContract.explainStartFailure(new IllegalStateException("disk full")), "not about a route: not explained");
    }
}
