package org.tesseras.tiers.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Builds the configuration annotation instance DS would pass: the given values, defaults for the rest. */
final class ConfigurationProxy {
    private ConfigurationProxy() {
    }

    static <A> A of(Class<A> type, Map<String, ?> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getSimpleName() + values;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> {
                        Object value = values.get(method.getName());
                        yield value != null ? value : method.getDefaultValue();
                    }
                }));
    }
}
