package io.lipdrop.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Real media copied from ../shared into src/test/resources/fixtures (tests never read ../shared). */
public final class Fixtures {
    private Fixtures() {}

    public static Path copy(String name, Path dir) {
        return copy(name, dir, name);
    }

    public static Path copy(String name, Path dir, String as) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            Files.createDirectories(dir);
            Path out = dir.resolve(as);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[][] csv(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            String[] lines = new String(in.readAllBytes()).trim().split("\n");
            float[][] rows = new float[lines.length][];
            for (int i = 0; i < lines.length; i++) {
                String[] cells = lines[i].split(",");
                rows[i] = new float[cells.length];
                for (int j = 0; j < cells.length; j++) rows[i][j] = Float.parseFloat(cells[j]);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
