package io.lipdrop.housekeeping;

import io.lipdrop.job.IntakeGate;

/** The disk watermark's hold on the intake gate: drops dropped meanwhile just wait in the inbox. */
public final class GateIntakeSwitch implements IntakeSwitch {
    static final String HOLD = "disk above the high mark";
    private final IntakeGate gate;

    public GateIntakeSwitch(IntakeGate gate) { this.gate = gate; }

    @Override
    public void suspend() { gate.hold(HOLD); }

    @Override
    public void resume() { gate.release(HOLD); }
}
