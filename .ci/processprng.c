/* A stand-in bcryptprimitives.dll for Wine releases before 8.13, used only by
 * .ci/windows.sh to run the test binary: Rust's standard library (1.78 and later) takes its
 * random bytes (HashMap seeds) from ProcessPrng, which those Wine releases lack, so the
 * .exe would not even start. Real Windows 10 and later has it; this file never ships. */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
