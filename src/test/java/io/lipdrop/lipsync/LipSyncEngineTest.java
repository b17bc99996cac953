package io.lipdrop.lipsync;

import io.lipdrop.lipsync.model.ProviderPreference;
import io.lipdrop.lipsync.model.Wav2LipModel;
import io.lipdrop.lipsync.onnx.DefaultModelGenerator;
import io.lipdrop.testing.Fixtures;
import io.lipdrop.testing.TestMedia;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LipSyncEngineTest {
    static Wav2LipModel model;
    @TempDir Path dir;

    @BeforeAll
    static void load() {
        model = Wav2LipModel.load("default", DefaultModelGenerator.generate(), ProviderPreference.AUTO, 2);
    }

    @AfterAll
    static void close() { model.close(); }

    @Test
    void syncsAMovingFaceVideoToSpeech() throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path video = TestMedia.videoFromPhoto(photo, dir.resolve("anna.mp4"), 480, 360, 4.0, 25);
        Path audio = Fixtures.copy("speech_en_16k.wav", dir);
        Path out = dir.resolve("out.mp4");

        SyncResult r = new LipSyncEngine(model, EngineSettings.defaults()).sync(audio, video, out, null);

        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals("h264", p.videoCodec());
        assertEquals("aac", p.audioCodec());
        assertEquals("yuv420p", p.pixelFormat());
        assertEquals(480, p.width());
        assertEquals(360, p.height());
        assertEquals(25.0, p.fps(), 0.01);
        assertEquals(r.frames(), p.frames());
        // the 10 s audio drives a 4 s template (ping-pong): output as long as the audio, within a frame
        assertEquals(9.987, p.audioSeconds(), 0.03);
        assertTrue(Math.abs(p.videoSeconds() - p.audioSeconds()) <= 1 / 25.0 + 1e-3, p.toString());
        assertTrue(r.framesWithFace() > r.frames() * 0.9, "faces found in " + r.framesWithFace() + "/" + r.frames());
        assertEquals("cpu", r.provider());
        assertEquals("libopenh264", r.encoder());
        // the moov atom precedes the media data (fast start)
        byte[] head = Files.readAllBytes(out);
        assertTrue(indexOf(head, "moov") < indexOf(head, "mdat"), "index at the front");
    }

    @Test
    void aVideoWithoutAnyFaceIsRefusedWithTheReason() throws Exception {
        Path photo = Fixtures.copy("noface_coffee.png", dir);
        Path video = TestMedia.videoFromPhoto(photo, dir.resolve("coffee.mp4"), 320, 240, 1.0, 25);
        Path audio = Fixtures.copy("speech_en_16k.wav", dir);
        UnusableInputException e = assertThrows(UnusableInputException.class,
                () -> new LipSyncEngine(model, EngineSettings.defaults()).sync(audio, video, dir.resolve("x.mp4"), null));
        assertTrue(e.getMessage().contains("coffee.mp4") && e.getMessage().contains("no face"), e.getMessage());
    }

    @Test
    void aPhotoIsHeldAt25Fps() throws Exception {
        Path photo = Fixtures.copy("face_astronaut.png", dir);
        Path audio = Fixtures.copy("speech_zh_16k.wav", dir);
        Path out = dir.resolve("photo.mp4");
        SyncResult r = new LipSyncEngine(model, EngineSettings.defaults()).sync(audio, photo, out, null);
        TestMedia.Probe p = TestMedia.probe(out);
        assertEquals(512, p.width());
        assertEquals(25.0, p.fps(), 0.01);
        assertEquals(Math.ceil(14.06 * 25), r.frames(), 1);
        assertEquals(r.frames(), r.framesWithFace());
    }

    private static int indexOf(byte[] data, String tag) {
        byte[] t = tag.getBytes();
        outer:
        for (int i = 0; i + t.length <= data.length; i++) {
            for (int j = 0; j < t.length; j++) if (data[i + j] != t[j]) continue outer;
            return i;
        }
        return Integer.MAX_VALUE;
    }
}
