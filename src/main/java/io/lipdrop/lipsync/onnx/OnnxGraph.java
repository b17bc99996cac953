package io.lipdrop.lipsync.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a small ONNX model (opset 17) node by node and serialises it to the ONNX protobuf format.
 * Field numbers follow onnx.proto3 (ModelProto, GraphProto, NodeProto, TensorProto, ...).
 */
public final class OnnxGraph {
    private static final int IR_VERSION = 8;
    private static final int OPSET = 17;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    public OnnxGraph(String name) { this.name = name; }

    /** A float tensor input or output; a dimension of -1 is dynamic and named {@code batch}. */
    public OnnxGraph input(String name, long... dims) { inputs.add(valueInfo(name, dims)); return this; }
    public OnnxGraph output(String name, long... dims) { outputs.add(valueInfo(name, dims)); return this; }

    public String floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) raw.putFloat(v);
        initializers.add(tensor(name, FLOAT, raw.array(), dims));
        return name;
    }

    public String longs(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) raw.putLong(v);
        initializers.add(tensor(name, INT64, raw.array(), dims));
        return name;
    }

    public String scalar(String name, float value) { return floats(name, new float[] {value}); }

    /** Adds a node and returns the name of its (single) output. */
    public String node(String opType, List<Attribute> attributes, String... nodeInputs) {
        String out = opType.toLowerCase() + "_" + (counter++);
        nodeTo(out, opType, attributes, nodeInputs);
        return out;
    }

    public String node(String opType, String... nodeInputs) { return node(opType, List.of(), nodeInputs); }

    public void nodeTo(String output, String opType, List<Attribute> attributes, String... nodeInputs) {
        ProtoWriter n = new ProtoWriter();
        for (String in : nodeInputs) n.string(1, in);
        n.string(2, output).string(3, output + "_node").string(4, opType);
        for (Attribute a : attributes) n.message(5, a.proto());
        nodes.add(n);
    }

    public byte[] toBytes() {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        ProtoWriter opset = new ProtoWriter().string(1, "").varint(2, OPSET);
        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "lipdrop")
                .message(7, graph)
                .message(8, opset)
                .toByteArray();
    }

    private static ProtoWriter tensor(String name, int type, byte[] raw, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.varint(1, d);
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    private static ProtoWriter valueInfo(String name, long... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d < 0) dim.string(2, "batch"); else dim.varint(1, d);
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, name).message(2, type);
    }

    /** A node attribute (int, float, string or ints). */
    public record Attribute(String name, ProtoWriterFiller filler) {
        public static Attribute ints(String name, long... values) {
            return new Attribute(name, w -> { for (long v : values) w.varint(8, v); w.varint(20, 7); });
        }
        public static Attribute integer(String name, long value) {
            return new Attribute(name, w -> w.varint(3, value).varint(20, 2));
        }
        public static Attribute string(String name, String value) {
            return new Attribute(name, w -> w.string(4, value).varint(20, 3));
        }
        ProtoWriter proto() {
            ProtoWriter w = new ProtoWriter().string(1, name);
            filler.fill(w);
            return w;
        }
    }

    /** Writes an attribute's value fields. */
    @FunctionalInterface
    public interface ProtoWriterFiller { void fill(ProtoWriter w); }
}
