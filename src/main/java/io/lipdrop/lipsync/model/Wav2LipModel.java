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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs a Wav2Lip-compatible ONNX model in ONNX Runtime, on CUDA when it can be initialised and on CPU
 * otherwise. Knows nothing about faces or audio: it takes ready tensors (see {@code Wav2LipTranslator}).
 * On CUDA it holds one session per GPU ({@code lipdrop.gpus}): jobs running at once take whichever GPU is free
 * for each batch, so N workers keep N GPUs busy. On the CPU one session serves every job in turn.
 */
public final class Wav2LipModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wav2LipModel.class);

    private final String name;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final List<Runner> runners = new ArrayList<>();
    /** The runners not running a batch right now. */
    private final BlockingQueue<Runner> idle;
    private final ModelContract contract;
    private final ExecutionProvider provider;
    private final String providerNote;
    private final String cudaInfo;

    private Wav2LipModel(String name, byte[] onnx, ModelRuntime runtime) throws OrtException {
        this.name = name;
        String note = null, info = null;
        ExecutionProvider used = ExecutionProvider.CPU;
        if (runtime.provider() != ProviderPreference.CPU) {
            String unavailable = CudaProbe.whyUnavailable();
            if (unavailable == null && runtime.gpus() < 1) unavailable = "lipdrop.gpus is 0";
            CudaLibraries.Result libs = null;
            if (unavailable == null) {
                libs = CudaLibraries.load(runtime.cudaCache());
                // the provider would fail on these anyway, after unpacking its 367 MB library: say why now
                if (libs.driverProblem() != null) unavailable = libs.driverProblem();
                else if (libs.problem() != null) unavailable = libs.problem();
            }
            if (unavailable == null) {
                unavailable = openCuda(onnx, runtime, libs);
                if (unavailable == null) {
                    used = ExecutionProvider.CUDA;
                    String driver = CudaLibraries.driverVersion();
                    info = runners.size() + " GPU" + (runners.size() == 1 ? "" : "s") + ", " + libs.describe()
                            + (driver == null ? "" : ", driver: " + driver);
                }
            }
            if (used != ExecutionProvider.CUDA) {
                if (runtime.provider() == ProviderPreference.CUDA) {
                    throw new IllegalStateException("lipdrop.provider=cuda but " + unavailable);
                }
                note = unavailable;
            }
        }
        if (runners.isEmpty()) {
            try (OrtSession.SessionOptions options = options(runtime.cpuThreads())) {
                runners.add(new Runner(env.createSession(onnx, options), -1));
            }
        }
        this.provider = used;
        this.providerNote = note;
        this.cudaInfo = info;
        this.idle = new ArrayBlockingQueue<>(runners.size(), false, runners);
        try {
            OrtSession first = runners.get(0).session;
            this.contract = ModelContract.bind(name, first.getInputInfo(), first.getOutputInfo());
        } catch (IllegalArgumentException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens a CUDA session on each GPU 0..gpus-1. Null when at least GPU 0 opened, else why CUDA cannot be used.
     * A later GPU that fails is left out with a warning (lipdrop.gpus may count more than there are).
     */
    private String openCuda(byte[] onnx, ModelRuntime runtime, CudaLibraries.Result libs) {
        for (int device = 0; device < runtime.gpus(); device++) {
            try (OrtSession.SessionOptions options = options(runtime.cpuThreads())) {
                options.addCUDA(device);
                runners.add(new Runner(env.createSession(onnx, options), device));
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                String why = "the CUDA provider could not be initialised on GPU " + device + ": " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("Failed to load shared library")
                            ? " (ONNX Runtime printed the library it missed on the console)" : "")
                        + (libs.loaded() ? "; with " + libs.describe()
                            : "; no CUDA runtime jar on the classpath: onnxruntime_gpu needs CUDA 12 and cuDNN 9, "
                              + "which `LIPDROP_CUDA=1 bin/lipdrop build` brings");
                if (device == 0) return why;
                LOG.warn("model {}: using {} GPU(s), not {}: {}", name, device, runtime.gpus(), why);
                break;
            }
        }
        return null;
    }

    public static Wav2LipModel load(Path file, ProviderPreference preference, int cpuThreads) {
        return load(file, ModelRuntime.of(preference, cpuThreads));
    }

    public static Wav2LipModel load(Path file, ModelRuntime runtime) {
        try {
            return load(file.getFileName().toString(), Files.readAllBytes(file), runtime);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Cannot read model " + file + ": " + e.getMessage(), e);
        }
    }

    public static Wav2LipModel load(String name, byte[] onnx, ProviderPreference preference, int cpuThreads) {
        return load(name, onnx, ModelRuntime.of(preference, cpuThreads));
    }

    public static Wav2LipModel load(String name, byte[] onnx, ModelRuntime runtime) {
        try {
            Wav2LipModel model = new Wav2LipModel(name, onnx, runtime);
            LOG.info("model {} loaded: face {}x{}, batch {}, provider {}{}", name, model.contract.faceSize(),
                    model.contract.faceSize(), model.contract.fixedBatch() > 0 ? model.contract.fixedBatch() : "dynamic",
                    model.provider.label(), model.cudaInfo == null ? "" : " (" + model.cudaInfo + ")");
            if (model.providerNote != null) {
                LOG.warn("model {} runs on the CPU (lipdrop.provider=auto): {}", name, model.providerNote);
            }
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
    /** The GPUs and CUDA/cuDNN the model runs on, or null on the CPU. */
    public String cudaInfo() { return cudaInfo; }
    /** Sessions: one per GPU on CUDA, one on the CPU. */
    public int sessions() { return runners.size(); }

    /**
     * Runs one batch. {@code mel} holds count x [1,80,16], {@code faces} count x [6,S,S]; the output holds
     * count x [3,S,S]. A fixed-batch model gets its last batch padded with zeros. Jobs running at once share the
     * model: each call takes a free session (a free GPU), waiting while all are busy.
     */
    public void infer(float[] mel, float[] faces, int count, float[] output) {
        Runner r;
        try {
            r = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for model " + name, e);
        }
        try {
            r.infer(mel, faces, count, output);
        } finally {
            idle.add(r);
        }
    }

    /** One session and the buffers it reads and writes in place; used by one call at a time. */
    private final class Runner {
        final OrtSession session;
        final int device;
        /** Direct input buffers, reused for every batch: ORT reads them in place, where a heap array would be
         *  copied into a new direct buffer per call, garbage the JVM frees late (native memory then grows with length). */
        private FloatBuffer melInput;
        private FloatBuffer faceInput;
        /** The output, written in place by ORT (a pinned output), for the same reason. */
        private FloatBuffer prediction;
        private OnnxTensor predictionTensor;

        Runner(OrtSession session, int device) {
            this.session = session;
            this.device = device;
        }

        void infer(float[] mel, float[] faces, int count, float[] output) {
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
                throw new IllegalStateException("Inference failed in model " + name
                        + (device >= 0 ? " on GPU " + device : "") + ": " + e.getMessage(), e);
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

        void close() throws OrtException {
            if (predictionTensor != null) predictionTensor.close();
            session.close();
        }
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
        for (Runner r : runners) {
            try {
                r.close();
            } catch (OrtException e) {
                LOG.warn("closing model {}: {}", name, e.getMessage());
            }
        }
    }
}
