// glibc's allocator settings (mallopt), from the system's own header; Swift's Glibc module leaves malloc.h out.
#include <malloc.h>
