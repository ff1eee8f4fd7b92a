#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's own driver (LLVMFuzzerRunDriver, part of the libFuzzer that -sanitize=fuzzer
/// links in). SwiftPM gives every executable a main of its own, so libFuzzer's main cannot be
/// used; each target's main.swift hands its input function to `runFuzzer` instead.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The input function of this process; set once, before the driver starts.
nonisolated(unsafe) private var inputFunction: (UnsafeRawBufferPointer) -> Void = { _ in }

/// Runs libFuzzer with the process's own arguments, calling `body` once per input, and exits
/// with its status. A finding is whatever makes `body` crash or trap (or leak).
public func runFuzzer(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    inputFunction = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        inputFunction(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }
    exit(status)
}
