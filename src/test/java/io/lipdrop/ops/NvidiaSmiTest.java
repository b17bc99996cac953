package io.lipdrop.ops;

import io.lipdrop.metrics.LipDropMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GPU memory from nvidia-smi: its output format, the gauges only where it runs, and scrapes that never wait for it. */
class NvidiaSmiTest {
    /** What `nvidia-smi --query-gpu=index,memory.used,memory.total --format=csv,noheader,nounits` prints on a two-GPU host. */
    static final String TWO_GPUS = "0, 1, 81559\n1, 30241, 81559\n";
    static final double MIB = 1024.0 * 1024;

    @TempDir Path tmp;

    @Test
    void parsesNvidiaSmisCsvIntoBytesPerGpu() {
        List<NvidiaSmi.Gpu> gpus = NvidiaSmi.parse(TWO_GPUS);
        assertEquals(List.of(new NvidiaSmi.Gpu("0", 1 * MIB, 81559 * MIB), new NvidiaSmi.Gpu("1", 30241 * MIB, 81559 * MIB)), gpus);
        // Windows line ends, a trailing blank line, and a GPU that does not report its memory
        List<NvidiaSmi.Gpu> odd = NvidiaSmi.parse("0, 512, 16384\r\n1, [N/A], [N/A]\r\n\r\n");
        assertEquals(512 * MIB, odd.get(0).usedBytes());
        assertTrue(Double.isNaN(odd.get(1).usedBytes()) && Double.isNaN(odd.get(1).totalBytes()));
        assertEquals(List.of(), NvidiaSmi.parse(""));
    }

    @Test
    void anAnswerThatIsNotTheQueriedCsvIsRefusedNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NvidiaSmi.parse("0, 1, 81559\nNo devices were found\n"));
        assertEquals("nvidia-smi line 2 \"No devices were found\" is not \"index, memory.used, memory.total\"", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NvidiaSmi.parse("0, 12 MiB, 81559"));
        assertEquals("nvidia-smi line 1 \"0, 12 MiB, 81559\": memory.used \"12 MiB\" is not a number of MiB", e.getMessage());
    }

    @Test
    void gaugesAreAbsentWithoutNvidiaSmiAndWhenItFails() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LipDropMetrics m = new LipDropMetrics(registry);
        Path empty = Files.createDirectories(tmp.resolve("no-gpu"));
        ServiceGauges.registerGpus(m, empty + ":" + tmp.resolve("missing"));
        // installed, but the driver is not loaded: nvidia-smi says so and exits 9
        Path broken = NvidiaSmiStandIn.in(tmp.resolve("broken"), "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n");
        Files.writeString(broken.resolve("exit"), "9");
        ServiceGauges.registerGpus(m, broken.toString());
        assertFalse(registry.scrape().contains("lipdrop_gpu_"), registry.scrape());
    }

    @Test
    void gaugesPerGpuWhereNvidiaSmiRuns() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServiceGauges.registerGpus(new LipDropMetrics(registry), NvidiaSmiStandIn.in(tmp.resolve("gpu"), TWO_GPUS).toString());
        String scrape = registry.scrape();
        assertTrue(scrape.contains("lipdrop_gpu_memory_used_bytes{gpu=\"1\"} " + 30241 * MIB), scrape);
        assertTrue(scrape.contains("lipdrop_gpu_memory_total_bytes{gpu=\"0\"} " + 81559 * MIB), scrape);
        assertTrue(scrape.contains("lipdrop_gpu_memory_used_bytes{gpu=\"0\"} " + 1 * MIB), scrape);
    }

    @Test
    void aScrapeNeverWaitsForNvidiaSmi() throws Exception {
        Path dir = NvidiaSmiStandIn.in(tmp.resolve("slow"), "0, 1000, 8000\n");
        NvidiaSmi smi = NvidiaSmi.open(dir.resolve("nvidia-smi"), 200, 5_000).orElseThrow();
        assertEquals(1000 * MIB, smi.used("0"));

        // the driver now takes 2 s to answer: reads keep the last value meanwhile, then show the new one
        Files.writeString(dir.resolve("answer"), "0, 2000, 8000\n");
        Files.writeString(dir.resolve("slow"), "2");
        Thread.sleep(300);
        long started = System.nanoTime();
        assertEquals(1000 * MIB, smi.used("0"));
        assertEquals(1000 * MIB, smi.used("0"));
        assertTrue(System.nanoTime() - started < 500_000_000L, "a read waited for nvidia-smi");
        long deadline = System.currentTimeMillis() + 10_000;
        while (smi.used("0") != 2000 * MIB && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertEquals(2000 * MIB, smi.used("0"));
    }

    @Test
    void aHungNvidiaSmiIsKilledAndReadsAsNaN() throws Exception {
        Path dir = NvidiaSmiStandIn.in(tmp.resolve("hung"), "0, 1000, 8000\n");
        NvidiaSmi smi = NvidiaSmi.open(dir.resolve("nvidia-smi"), 100, 500).orElseThrow();
        Files.writeString(dir.resolve("slow"), "60");
        Thread.sleep(200);
        assertEquals(1000 * MIB, smi.used("0")); // starts the read that hangs
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Double.isNaN(smi.total("0")) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertTrue(Double.isNaN(smi.used("0")), "a read that timed out leaves no stale value");

        // the driver recovers: the next read has numbers again
        Files.delete(dir.resolve("slow"));
        deadline = System.currentTimeMillis() + 10_000;
        while (Double.isNaN(smi.used("0")) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertEquals(8000 * MIB, smi.total("0"));
    }
}
