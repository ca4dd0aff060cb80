package dev.pier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The shape the docs promise: a pure core, adapters at the edge, no cycles between capabilities. */
class ArchitectureTest {

    static final JavaClasses PIER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.pier");

    /** {@code dev.pier.oci} itself (references, digests, the ContentStore port) is core; its subpackages are adapters. */
    static final String[] CORE = {"dev.pier.signal..", "dev.pier.pipeline..", "dev.pier.oci", "dev.pier.secret.."};

    @Test
    void the_core_imports_no_http_jdbc_or_process_code() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "java.net.http..", "java.sql..", "javax.sql..", "org.jdbi..", "org.flywaydb..", "org.sqlite..",
                        "io.javalin..", "picocli..", "dev.pier.store..", "dev.pier.deploy..", "dev.pier.cli..")
                .orShould().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, Process.class, Runtime.class)
                .check(PIER);
    }

    @Test
    void the_controller_and_token_logic_know_no_http_server_jdbc_or_processes() {
        noClasses().that().resideInAnyPackage("dev.pier.controller..", "dev.pier.auth")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.jdbi..", "io.javalin..",
                        "jakarta.servlet..", "picocli..", "dev.pier.store..", "dev.pier.server..", "dev.pier.cli..")
                .orShould().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, Process.class)
                .check(PIER);
    }

    @Test
    void only_the_server_package_speaks_javalin() {
        noClasses().that().resideOutsideOfPackage("dev.pier.server..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..",
                        "org.eclipse.jetty..")
                .check(PIER);
    }

    @Test
    void adapters_do_not_reach_into_the_command_line() {
        noClasses().that().resideInAnyPackage("dev.pier.store..", "dev.pier.deploy..", "dev.pier.config..",
                        "dev.pier.intake..", "dev.pier.server..", "dev.pier.controller..", "dev.pier.auth..",
                        "dev.pier.notify..", "dev.pier.gate..", "dev.pier.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pier.cli..", "picocli..")
                .check(PIER);
    }

    /** SSH knows keys, hosts and channels; what to deploy (config records, runs, compose) is the deployer's business. */
    @Test
    void the_ssh_package_depends_on_no_other_pier_package() {
        noClasses().that().resideInAPackage("dev.pier.ssh..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pier.config..", "dev.pier.pipeline..",
                        "dev.pier.deploy..", "dev.pier.store..", "dev.pier.secret..", "dev.pier.oci..")
                .check(PIER);
    }

    @Test
    void capabilities_have_no_cycles() {
        slices().matching("dev.pier.(*)..").should().beFreeOfCycles().check(PIER);
    }
}
