package io.lipdrop.archfixture.a;

import io.lipdrop.archfixture.b.Answers;

/** Half of a deliberate import cycle (a -> b -> a), for ArchitectureTest to show that its rule catches one. */
public final class Asks {
    public String ask(Answers answers) { return answers.answer(this); }
}
