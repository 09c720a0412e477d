#if canImport(CMalloc)
    import CMalloc
#endif

extension EmulatorServer {
    /// Has glibc's allocator keep freed buffers of up to 8 MiB for reuse, for a process that serves large downloads.
    ///
    /// A large download is read into 1 MiB buffers, each freed once its bytes are sent. With glibc's defaults the
    /// heap gives the freed memory back to the kernel and takes fresh pages for the next buffer, which the kernel
    /// maps, faults in and zeroes one page at a time: about a tenth of the emulator's samples while it served
    /// `b2kit cp` of 1 GiB (`clear_page_erms` and page faults; gone with this tuning, see Benchmarks/BENCHMARKS.md).
    /// Buffers below 8 MiB now come from the heap, and up to 256 MiB of free heap stays mapped.
    ///
    /// It applies to the whole process, so the command that runs the server calls it once at its start; a library
    /// that embeds the emulator leaves its host's allocator alone.
    public static func tuneAllocatorForLargeBodies() {
        #if canImport(CMalloc)
            _ = mallopt(M_MMAP_THRESHOLD, 8 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        #endif
    }
}
