package dev.bakery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The public API stays small and never hands out internal types. */
class PublicApiTest {

    private static final List<Class<?>> API = List.of(BuildPlanner.class, PlanRequest.class, SourceFile.class,
            Defaults.class, Resolution.class, PlannedBuild.class, BuildPlan.class, BuildTask.class, IndexPlan.class,
            KanikoOptions.class, CacheOptions.class, RegistryCredential.class, SecretRef.class, SecretMount.class,
            Resources.class, Platform.class, Arch.class, IndexFormat.class, ImageReference.class, PlanJson.class,
            BakeryConfigException.class, Problem.class, ProjectFiles.class);

    @Test
    void noPublicSignatureMentionsAnInternalType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : API) {
            for (Method m : type.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                Stream.concat(Stream.of(m.getGenericReturnType()), Stream.of(m.getGenericParameterTypes()))
                        .filter(PublicApiTest::isInternal)
                        .forEach(t -> leaks.add(type.getSimpleName() + "." + m.getName() + ": " + t.getTypeName()));
            }
            if (type.isRecord()) {
                for (RecordComponent c : type.getRecordComponents()) {
                    if (isInternal(c.getGenericType())) {
                        leaks.add(type.getSimpleName() + "." + c.getName());
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void valueTypesAreRecordsOrEnums() {
        assertThat(API).filteredOn(t -> !t.isRecord() && !t.isEnum())
                .containsExactlyInAnyOrder(BuildPlanner.class, ImageReference.class, PlanJson.class,
                        BakeryConfigException.class, ProjectFiles.class);
    }

    private static boolean isInternal(Type type) {
        if (type instanceof ParameterizedType p) {
            return isInternal(p.getRawType()) || Stream.of(p.getActualTypeArguments()).anyMatch(PublicApiTest::isInternal);
        }
        return type instanceof Class<?> c && c.getPackageName().startsWith("dev.bakery.core.internal");
    }
}
