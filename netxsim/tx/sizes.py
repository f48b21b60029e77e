"""C ``sizeof`` values for the simulated 32-bit target.

These are 32-bit build sizes, obtained by compiling the ThreadX 6.4 headers
(common/inc + ports/linux/gnu/inc, default configuration, no tx_user.h) with
``gcc -m32`` and printing ``sizeof`` of each type. TX_THREAD (212) includes the
Linux port's 32-byte thread extension (pthread_t, sem_t, two UINTs, one
pointer); a port without it, such as cortex_m4/gnu, gives 180.
"""

TX_SIZES: dict[str, int] = {
    "TX_THREAD": 212,
    "TX_TIMER": 44,
    "TX_TIMER_INTERNAL": 28,
    "TX_SEMAPHORE": 32,
    "TX_MUTEX": 52,
    "TX_EVENT_FLAGS_GROUP": 40,
    "TX_QUEUE": 60,
    "TX_BLOCK_POOL": 48,
    "TX_BYTE_POOL": 52,
    "ULONG": 4,
    "UINT": 4,
    "VOID*": 4,
    "CHAR": 1,
    "UCHAR": 1,
    "USHORT": 2,
    "ALIGN_TYPE": 4,
}
