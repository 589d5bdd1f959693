/*
 * Floors for the Java benchmark, with no wasm and no Kiln: the cost of a call
 * from native code into Java through JNI, made the way Kiln's host functions
 * make it (CallIntMethodA on an object's method of two object arguments that
 * returns an int), and an empty native method of the harness's own beside
 * Kiln's dev.kiln.Native.emptyCall(). Built by bench/java/run into
 * target/libkilnbenchprobe.so; loaded by dev.kiln.bench.Probe.
 */
#include <jni.h>

JNIEXPORT void JNICALL Java_dev_kiln_bench_Probe_empty(JNIEnv *env, jclass cls) {
    (void)env;
    (void)cls;
}

JNIEXPORT jint JNICALL Java_dev_kiln_bench_Probe_upcalls(JNIEnv *env, jclass cls, jobject target,
                                                         jobject arg, jint n) {
    (void)cls;
    jclass klass = (*env)->GetObjectClass(env, target);
    jmethodID method = (*env)->GetMethodID(env, klass, "callNumeric", "(Ljava/lang/Object;Ljava/lang/Object;)I");
    if (method == NULL) {
        return -1;
    }
    jvalue args[2];
    args[0].l = arg;
    args[1].l = NULL;
    jint ran = 0;
    for (jint i = 0; i < n; i++) {
        ran += (*env)->CallIntMethodA(env, target, method, args);
    }
    return ran;
}
