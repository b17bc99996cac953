// Golden reference for LipDrop's Java viseme classifier: runs the npm package @met4citizen/headaudio (MIT) itself
// on the same PCM. Its AudioWorklet wrapper needs a browser, so this drives the package's pure modules directly:
// Processor (pre-emphasis, input low-pass, 512/256 framing, MFCC, tanh, VAD gate), Classifier (Mahalanobis
// distances) and Training.decodeBinaryRecord (the model format).
//
// node headaudio-golden.mjs <package dir> <pcm: float32 little-endian, 16 kHz mono> <fps> <frames> <pad end>
//                           <hops.csv to write> [--f64]
//
// Writes per model hop: hop, t (the package's own timestamp), le, gate (the package's VAD), the 12 features,
// the distance to each prototype, and the package's own real-time viseme decision (-1 where it sends none).
// Prints per video frame the 15 viseme probabilities (CSV on stdout), made from the package's distances and gate
// by the rule LipDrop documents: speech hops p(v) ~ exp(-min distance of v / 2), gate-closed hops "sil" = 1,
// frames = the hops' posteriors averaged with the overlap of each hop's 16 ms span with the frame.
// --f64 runs the package with Float64Array in place of Float32Array (to tell its float32 rounding apart).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pkg, pcmFile, fpsArg, framesArg, padArg, hopsFile] = process.argv.slice(2);
const f64 = process.argv.includes("--f64");
const mod = (name) => import(pathToFileURL(join(pkg, "modules", name)).href);
const PARAMS = await mod("parameters.mjs");
const { Training } = await mod("training.mjs");
const { Classifier } = await mod("classifier.mjs");
const { Processor } = await mod("processor.mjs");

// the model, decoded by the package (while Float32Array is still itself)
const bin = readFileSync(join(pkg, "dist", "model-en-mixed.bin"));
const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
const training = new Training();
const model = [];
for (let pos = 0; pos + PARAMS.RECORD_OFFSET <= buffer.byteLength; pos += PARAMS.RECORD_OFFSET) {
  model.push(training.decodeBinaryRecord(new Float32Array(buffer, pos, PARAMS.RECORD_LEN)));
}
const F32 = Float32Array; // audio arrives as float32 in either mode
if (f64) globalThis.Float32Array = Float64Array;

// the audio, with the zeros LipDrop appends
const raw = readFileSync(pcmFile);
const input = new F32(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const pcm = new F32(input.length + Number(padArg));
pcm.set(input);

function run(options) {
  const events = [];
  const worklet = { port: { onmessage: null, postMessage: (m) => events.push(structuredClone(m)) } };
  const p = new Processor({ sampleRate: PARAMS.AUDIO_SAMPLE_RATE, ...options }, worklet);
  return { p, events };
}
const feed = (p) => { for (let i = 0; i < pcm.length; i += 128) p.process(pcm.subarray(i, i + 128)); };

// A: no gate, so every hop's features come out
const a = run({ processorOptions: { featureEventsEnabled: true }, parameterData: { vadMode: 0 } });
feed(a.p);
const features = a.events.filter((e) => e.event === "feature");

// B: as the package runs by default (gate on), with the model: its VAD per hop and its own viseme decisions
const b = run({ processorOptions: { vadEventsEnabled: true, visemeEventsEnabled: true } });
b.p.classifier.import({ model, reset: true });
feed(b.p);
const vad = b.events.filter((e) => e.event === "vad");
const decided = new Map(b.events.filter((e) => e.event === "viseme").map((e) => [e.t.toFixed(6), e.viseme]));
if (vad.length !== features.length) throw new Error(`hops differ: ${vad.length} VAD, ${features.length} features`);

// distances by the package's classifier (a fresh one, whose vote state nothing reads)
const classifier = new Classifier();
classifier.import({ model, reset: true });
const V = PARAMS.MODEL_VISEMES_N, SR = PARAMS.AUDIO_SAMPLE_RATE, HOP = PARAMS.MFCC_SAMPLES_HOP;
// the package stamps a hop with the middle of its window in the low-passed signal (sampleCount/SR - 16 ms);
// LipDrop's centre is in the input: less the low-pass filter's delay (31/2 samples) and half a sample (the window's
// middle is between samples 255 and 256)
const LOWPASS_DELAY = (PARAMS.AUDIO_DOWNSAMPLE_FILTER_N - 1) / 2 + 0.5;
const hopRows = [];
const post = [];
const centres = [];
features.forEach((f, h) => {
  const { distances } = classifier.predict(f.vector);
  const d = Array.from(distances);
  const byViseme = new Array(V).fill(Infinity);
  d.forEach((x, k) => { byViseme[model[k].viseme] = Math.min(byViseme[model[k].viseme], x); });
  const gate = vad[h].active > 0;
  let p = new Array(V).fill(0);
  if (gate) {
    const min = Math.min(...byViseme);
    p = byViseme.map((x) => (x === Infinity ? 0 : Math.exp(-(x - min) / 2)));
    const s = p.reduce((u, w) => u + w, 0);
    p = p.map((x) => x / s);
  } else {
    p[PARAMS.MODEL_VISEME_SIL] = 1;
  }
  post.push(p);
  centres.push(f.t * SR - LOWPASS_DELAY);
  const own = decided.get(f.t.toFixed(6));
  hopRows.push([h, f.t, f.le, gate ? 1 : 0, ...Array.from(f.vector), ...d, own === undefined || own === null ? -1 : own].join(","));
});
writeFileSync(hopsFile, hopRows.join("\n") + "\n");

// video frames
const fps = Number(fpsArg), frames = Number(framesArg);
const out = [];
for (let i = 0; i < frames; i++) {
  const t0 = (i / fps) * SR, t1 = ((i + 1) / fps) * SR;
  const acc = new Array(V).fill(0);
  let total = 0;
  centres.forEach((c, h) => {
    const w = Math.min(t1, c + HOP / 2) - Math.max(t0, c - HOP / 2);
    if (w > 0) { post[h].forEach((x, v) => { acc[v] += w * x; }); total += w; }
  });
  let p;
  if (total > 0) { const s = acc.reduce((u, w) => u + w, 0); p = acc.map((x) => x / s); }
  else { p = new Array(V).fill(0); p[PARAMS.MODEL_VISEME_SIL] = 1; }
  out.push([i, ...p.map((x) => x.toPrecision(9))].join(","));
}
process.stdout.write(out.join("\n") + "\n");
