package io.drydock.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Data flows one way: the core never reaches up into the workflow packages or the front ends. */
class ArchitectureTest {
    private static final String[] CORE = {"io.drydock.image..", "io.drydock.layer..", "io.drydock.cache..",
            "io.drydock.inventory..", "io.drydock.vulndb..", "io.drydock.scan..", "io.drydock.freshness.."};
    private static final String[] WORKFLOW_AND_FRONT = {"io.drydock.cli..", "io.drydock.server..", "io.drydock.admission..",
            "io.drydock.lineage..", "io.drydock.rebuild..", "io.drydock.rollout..", "io.drydock.policy..", "io.drydock.sign..",
            "io.drydock.store..", "io.drydock.watch..", "io.drydock.catalogue..", "io.drydock.fleet.."};

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.drydock");

    @Test
    void coreDoesNotDependOnWorkflowOrFrontEnds() {
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat().resideInAnyPackage(WORKFLOW_AND_FRONT)
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void imageAccessIsTheBottomLayer() {
        noClasses().that().resideInAPackage("io.drydock.image..").should().dependOnClassesThat()
                .resideInAnyPackage("io.drydock.layer..", "io.drydock.cache..", "io.drydock.inventory..", "io.drydock.vulndb..", "io.drydock.scan..")
                .check(classes);
    }

    @Test
    void analysisStaysApartFromMatching() {
        // Analysis (layer, inventory) is cached per layer and must not know the advisories it is matched against.
        noClasses().that().resideInAnyPackage("io.drydock.layer..", "io.drydock.inventory..").should().dependOnClassesThat()
                .resideInAnyPackage("io.drydock.vulndb..", "io.drydock.scan..")
                .check(classes);
        noClasses().that().resideInAPackage("io.drydock.vulndb..").should().dependOnClassesThat()
                .resideInAnyPackage("io.drydock.layer..", "io.drydock.inventory..", "io.drydock.scan..")
                .allowEmptyShould(true).check(classes);
    }

    @Test
    void onlyTheFrontEndsKnowTheCommandLine() {
        // the loop, the gate and the server get what the command line knows (validation, inventories) as interfaces
        noClasses().that().resideOutsideOfPackages("io.drydock.cli..").should().dependOnClassesThat()
                .resideInAPackage("io.drydock.cli..").check(classes);
    }

    @Test
    void theStoreKnowsNoWorkflow() {
        noClasses().that().resideInAPackage("io.drydock.store..").should().dependOnClassesThat()
                .resideInAnyPackage("io.drydock.lineage..", "io.drydock.rebuild..", "io.drydock.rollout..", "io.drydock.watch..",
                        "io.drydock.admission..", "io.drydock.policy..", "io.drydock.sign..", "io.drydock.fleet..", "io.drydock.server..")
                .check(classes);
    }
}
