package io.lipdrop.archfixture.b;

import io.lipdrop.archfixture.a.Asks;

/** The other half of the deliberate cycle: b imports a back. */
public final class Answers {
    public String answer(Asks asker) { return "answered " + asker.getClass().getSimpleName(); }
}
