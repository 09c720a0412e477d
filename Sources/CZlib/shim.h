// zlib's own header, from the system (Debian's zlib1g-dev); b2kit carries no zlib source.
#include <zlib.h>
