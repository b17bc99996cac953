package io.lipdrop;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which way LipDrop's packages may depend on each other (README, "The code, in short"): no import cycles between the
 * packages under io.lipdrop, the job core ({@code io.lipdrop.job}) below every feature, and the engine
 * ({@code io.lipdrop.lipsync}) free of Camel and of the features around it. Over the main classes only.
 */
class ArchitectureTest {
    /** The features that stand on the job core; the core may import none of them. */
    static final String[] FEATURES = {"io.lipdrop.intake..", "io.lipdrop.jobs..", "io.lipdrop.delivery..",
            "io.lipdrop.notify..", "io.lipdrop.web..", "io.lipdrop.housekeeping..", "io.lipdrop.ops..", "io.lipdrop.models..",
            "io.lipdrop.bench..", "io.lipdrop.secrets..", "io.lipdrop.metrics.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.lipdrop");
    }

    /** Each package directly under {@code root} is one slice (subpackages included); no two may import each other in a circle. */
    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").namingSlices("$1").should().beFreeOfCycles();
    }

    @Test
    void featurePackagesImportEachOtherInNoCircle() {
        noCycles("io.lipdrop").check(main);
    }

    @Test
    void theJobCoreDependsOnNoFeature() {
        noClasses().that().resideInAPackage("io.lipdrop.job..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .orShould().dependOnClassesThat().resideInAPackage("io.lipdrop") // the application's wiring and commands
                .check(main);
    }

    @Test
    void theEngineKnowsNothingOfCamel() {
        noClasses().that().resideInAPackage("io.lipdrop.lipsync..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel..")
                .check(main);
    }

    @Test
    void theEngineKnowsNothingOfJobsOrFeatures() {
        noClasses().that().resideInAPackage("io.lipdrop.lipsync..")
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .orShould().dependOnClassesThat().resideInAPackage("io.lipdrop.job..")
                .check(main);
    }

    /** The cycle rule is not vacuous: over two test-only packages that import each other, it reports the cycle. */
    @Test
    void theCycleRuleCatchesTwoPackagesImportingEachOther() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.lipdrop.archfixture");
        EvaluationResult result = noCycles("io.lipdrop.archfixture").evaluate(fixture);
        assertTrue(result.hasViolation(), "the rule should report a -> b -> a");
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("Cycle detected: a -> "), report);
        assertTrue(report.contains("io.lipdrop.archfixture.b.Answers"), report);
    }
}
