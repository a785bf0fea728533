package org.tesseras.replication.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Configuration annotations as Declarative Services builds them: given values, else the declared defaults. */
final class Configs {
    private Configs() {
    }

    @SuppressWarnings("unchecked")
    static <A extends Annotation> A of(Class<A> type, Map<String, ?> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + values;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    Object fallback = method.getDefaultValue();
                    if (fallback == null) {
                        throw new IllegalStateException(type.getSimpleName() + "." + method.getName() + " has no value");
                    }
                    return fallback;
            }
        });
    }
}
