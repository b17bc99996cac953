package io.lipdrop.lipsync.audio.visemes;

import io.lipdrop.Settings;
import io.lipdrop.lipsync.face.models.FaceModelCatalog.ModelFile;
import io.lipdrop.lipsync.face.models.FaceModelCatalog.NpmPackage;
import io.lipdrop.lipsync.face.models.FaceModelStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where LipDrop's viseme model comes from and where it is kept: {@code dist/model-en-mixed.bin} of the npm package
 * {@code @met4citizen/headaudio} 0.1.0 (MIT, by Mika Suominen), pinned by the SHA-256 of the tarball
 * {@code npm pack} writes and of the file itself, fetched with the ordinary npm client into
 * {@code models/visemes} and verified exactly as the face models are (it is the same store,
 * {@link FaceModelStore#ensure(ModelFile, boolean)}). A file that does not verify is never used; without
 * npm or network the result is empty with the reason, and LipDrop goes on without it.
 */
public final class VisemeModelStore {
    public static final String LICENCE = "MIT";

    public static final NpmPackage HEADAUDIO = new NpmPackage("@met4citizen/headaudio", "0.1.0",
            "4281922839e1ab9732aecffdbd86c92b9e22aca3c72bbaa9901c04abe875131d");

    /** 39 Gaussian prototypes over 12 MFCC features, for the 15 Oculus visemes (English, mixed voices). */
    public static final ModelFile MODEL = new ModelFile("viseme", "model-en-mixed.bin", 14_352,
            "0358f68989b5861f9b7d18871b010fa6cbf88a53bda4954a954d8c548bbcf251", HEADAUDIO,
            "package/dist/model-en-mixed.bin", null, null, LICENCE);

    /** The sub-folder of the models folder that holds it. */
    public static final String FOLDER = "visemes";

    private final FaceModelStore store;

    /** Looks in {@code searchDirs} in order and fetches into the first; npm is {@code -Dlipdrop.npm}, else "npm". */
    public VisemeModelStore(Path... searchDirs) {
        this(System.getProperty(FaceModelStore.NPM_PROPERTY, "npm"), searchDirs);
    }

    public VisemeModelStore(String npmCommand, Path... searchDirs) {
        this.store = new FaceModelStore(npmCommand, searchDirs);
    }

    /**
     * LipDrop's store: {@code $LIPDROP_HOME/models/visemes} (fetched into), then the installation's
     * {@code models/visemes} (-Dlipdrop.app), with npm from {@code lipdrop.npm} (default "npm").
     */
    public static VisemeModelStore from(Settings settings) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(settings.folder("models").resolve(FOLDER));
        String app = System.getProperty("lipdrop.app");
        if (app != null && !app.isBlank()) dirs.add(Path.of(app).resolve("models").resolve(FOLDER));
        String npm = settings.asProperties().getProperty(FaceModelStore.NPM_PROPERTY,
                System.getProperty(FaceModelStore.NPM_PROPERTY, "npm"));
        return new VisemeModelStore(npm, dirs.toArray(Path[]::new));
    }

    /** Receives a line for each thing worth telling (npm being run, the model fetched, a bad file ignored). */
    public VisemeModelStore onProgress(Consumer<String> listener) {
        store.onProgress(listener);
        return this;
    }

    public List<Path> searchDirs() {
        return store.searchDirs();
    }

    public Path fetchDir() {
        return store.fetchDir();
    }

    /** How many npm processes this store has started (none while the model is present). */
    public int npmRuns() {
        return store.npmRuns();
    }

    /**
     * The classifier on the verified model. With {@code mayFetch} a missing (or wrong) model is fetched with npm
     * first. Never throws for a missing network, npm or model: the result is then empty and says why.
     */
    public VisemeModels ensure(boolean mayFetch) {
        FaceModelStore.Pinned pinned = store.ensure(MODEL, mayFetch);
        if (!pinned.present()) {
            return new VisemeModels(Optional.empty(), Optional.empty(), null, pinned.problem(), pinned.fix());
        }
        Path file = pinned.path().orElseThrow();
        try {
            return new VisemeModels(Optional.of(VisemeClassifier.load(file)), pinned.path(), pinned.sha256(), null, null);
        } catch (IOException | RuntimeException e) {
            // verified by SHA-256, so only a changed catalog or an unreadable file gets here
            return new VisemeModels(Optional.empty(), pinned.path(), pinned.sha256(), e.getMessage(),
                    "delete " + file + " and start again");
        }
    }

    /**
     * For a build step: fetches the model into the folder given (the installation's models/visemes). Never fails
     * the build: without npm or network it prints a warning, and LipDrop does without the model until it is there.
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "models/" + FOLDER);
        try {
            VisemeModels m = new VisemeModelStore(dir).onProgress(line -> System.out.println("[INFO] LipDrop: " + line)).ensure(true);
            if (!m.available()) System.out.println("[WARNING] LipDrop: " + m.warning());
        } catch (Throwable t) {
            System.out.println("[WARNING] LipDrop: viseme model not fetched into " + dir + " (" + t + ")");
        }
    }
}
