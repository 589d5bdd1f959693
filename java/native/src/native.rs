//! `dev.kiln.Native`: the library's own entry points.

use jni::objects::JClass;
use jni::JNIEnv;

/// Does nothing: the benchmark's measure of what a JNI call itself costs.
#[no_mangle]
pub extern "system" fn Java_dev_kiln_Native_emptyCall(_env: JNIEnv<'_>, _class: JClass<'_>) {}
