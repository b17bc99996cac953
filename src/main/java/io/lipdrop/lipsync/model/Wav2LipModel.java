package io.lipdrop.lipsync.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs a Wav2Lip-compatible ONNX model in ONNX Runtime, on CUDA when it can be initialised and on CPU
 * otherwise. Knows nothing about faces or audio: it takes ready tensors (see {@code Wav2LipTranslator}).
 * Not thread-safe: one inference stage owns it.
 */
public final class Wav2LipModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wav2LipModel.class);

    private final String name;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final ModelContract contract;
    private final ExecutionProvider provider;
    private final String providerNote;
    /** Direct input buffers, reused for every batch: ORT reads them in place, where a heap array would be
     *  copied into a new direct buffer per call, garbage the JVM frees late (native memory then grows with length). */
    private FloatBuffer melInput;
    private FloatBuffer faceInput;
    /** The output, written in place by ORT (a pinned output), for the same reason. */
    private FloatBuffer prediction;
    private OnnxTensor predictionTensor;

    private Wav2LipModel(String name, byte[] onnx, ProviderPreference preference, int cpuThreads) throws OrtException {
        this.name = name;
        String note = null;
        OrtSession opened = null;
        ExecutionProvider used = ExecutionProvider.CPU;
        if (preference != ProviderPreference.CPU) {
            String unavailable = CudaProbe.whyUnavailable();
            if (unavailable == null) {
                try (OrtSession.SessionOptions options = options(cpuThreads)) {
                    options.addCUDA(0);
                    opened = env.createSession(onnx, options);
                    used = ExecutionProvider.CUDA;
                } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                    unavailable = "CUDA provider could not be initialised: " + e.getMessage()
                            + " (onnxruntime_gpu 1.29 needs CUDA 12.x and cuDNN 9)";
                }
            }
            if (opened == null) {
                if (preference == ProviderPreference.CUDA) {
                    throw new IllegalStateException("lipdrop.provider=cuda but " + unavailable);
                }
                note = unavailable;
            }
        }
        if (opened == null) {
            try (OrtSession.SessionOptions options = options(cpuThreads)) {
                opened = env.createSession(onnx, options);
            }
        }
        this.session = opened;
        this.provider = used;
        this.providerNote = note;
        try {
            this.contract = ModelContract.bind(name, session.getInputInfo(), session.getOutputInfo());
        } catch (IllegalArgumentException e) {
            session.close();
            throw e;
        }
    }

    public static Wav2LipModel load(Path file, ProviderPreference preference, int cpuThreads) {
        try {
            return load(file.getFileName().toString(), Files.readAllBytes(file), preference, cpuThreads);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    public static Wav2LipModel load(String name, byte[] onnx, ProviderPreference preference, int cpuThreads) {
        try {
            Wav2LipModel model = new Wav2LipModel(name, onnx, preference, cpuThreads);
            LOG.info("model {} loaded: face {}x{}, batch {}, provider {}{}", name, model.contract.faceSize(),
                    model.contract.faceSize(), model.contract.fixedBatch() > 0 ? model.contract.fixedBatch() : "dynamic",
                    model.provider.label(), model.providerNote == null ? "" : " (" + model.providerNote + ")");
            return model;
        } catch (OrtException e) {
            throw new IllegalArgumentException("Model " + name + " could not be loaded by ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions options(int cpuThreads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (cpuThreads > 0) o.setIntraOpNumThreads(cpuThreads);
        return o;
    }

    public String name() { return name; }
    public ModelContract contract() { return contract; }
    public ExecutionProvider provider() { return provider; }
    /** Why CUDA was not used under {@code auto}, or null. */
    public String providerNote() { return providerNote; }

    /**
     * Runs one batch. {@code mel} holds count x [1,80,16], {@code faces} count x [6,S,S]; the output holds
     * count x [3,S,S]. A fixed-batch model gets its last batch padded with zeros. Synchronized: the input and
     * output buffers are reused from call to call, and jobs running at once share the model (one session per GPU).
     */
    public synchronized void infer(float[] mel, float[] faces, int count, float[] output) {
        int s = contract.faceSize();
        int batch = contract.fixedBatch() > 0 ? contract.fixedBatch() : count;
        if (count > batch) throw new IllegalArgumentException("batch of " + count + " exceeds the model's fixed batch " + batch);
        melInput = fill(melInput, mel, count, batch, 80 * 16);
        faceInput = fill(faceInput, faces, count, batch, 6 * s * s);
        try (OnnxTensor a = OnnxTensor.createTensor(env, melInput, new long[] {batch, 1, 80, 16});
             OnnxTensor f = OnnxTensor.createTensor(env, faceInput, new long[] {batch, 6, s, s});
             OrtSession.Result ignored = session.run(Map.of(contract.audioInput(), a, contract.faceInput(), f),
                     Map.of(contract.output(), predictionTensor(batch, s)))) {
            prediction.rewind();
            prediction.get(output, 0, count * 3 * s * s);
        } catch (OrtException e) {
            throw new IllegalStateException("Inference failed in model " + name + ": " + e.getMessage(), e);
        }
    }

    private OnnxTensor predictionTensor(int batch, int s) throws OrtException {
        int size = batch * 3 * s * s;
        if (prediction == null || prediction.capacity() != size) {
            if (predictionTensor != null) predictionTensor.close();
            prediction = ByteBuffer.allocateDirect(size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            predictionTensor = OnnxTensor.createTensor(env, prediction, new long[] {batch, 3, s, s});
        }
        return predictionTensor;
    }

    /** Copies {@code count} samples into a direct buffer of exactly {@code batch} samples, zero-padding the rest. */
    private static FloatBuffer fill(FloatBuffer buffer, float[] data, int count, int batch, int per) {
        int size = batch * per;
        if (buffer == null || buffer.capacity() != size) {
            buffer = ByteBuffer.allocateDirect(size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        buffer.clear();
        buffer.put(data, 0, count * per);
        while (buffer.position() < size) buffer.put(0f);
        buffer.flip();
        return buffer;
    }

    @Override
    public void close() {
        try {
            if (predictionTensor != null) predictionTensor.close();
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing model {}: {}", name, e.getMessage());
        }
    }
}
