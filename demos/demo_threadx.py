"""ThreadX's classic ``demo_threadx.c`` (Linux port's ``sample_threadx.c``), ported line by line.

Eight threads exercise a queue, a semaphore, event flags, a mutex, and a byte and a
block pool; thread 0 prints the counters every 10 ticks, as the C demo does.

One deliberate addition: threads 1 and 2 loop through a queue without ever sleeping.
On a board each pass costs CPU time, so the 4-tick time slices share the CPU between
them; in the simulation code runs in zero time, so the port charges one tick of
simulated CPU per pass (``cpu_work(1)``, marked below). Without it the two threads
would ping-pong forever at one instant and time would never advance. Their counters
are therefore a few per tick rather than the millions a real CPU reaches.

Run: ``python -m demos.demo_threadx [--ticks N] [--trace FILE.trx] [--html FILE.html]``.
"""
from __future__ import annotations

import argparse

from netxsim import *  # noqa: F403
from netxsim.tx.trace import TRACE_BUILD, with_trace

DEMO_STACK_SIZE = 1024
DEMO_BYTE_POOL_SIZE = 9120
DEMO_BLOCK_POOL_SIZE = 100
DEMO_QUEUE_SIZE = 100

thread_0 = thread_1 = thread_2 = thread_3 = thread_4 = thread_5 = thread_6 = thread_7 = None
queue_0 = semaphore_0 = mutex_0 = event_flags_0 = byte_pool_0 = block_pool_0 = None

thread_0_counter = 0
thread_1_counter = 0
thread_1_messages_sent = 0
thread_2_counter = 0
thread_2_messages_received = 0
thread_3_counter = 0
thread_4_counter = 0
thread_5_counter = 0
thread_6_counter = 0
thread_7_counter = 0


def _reset_globals() -> None:
    """Fresh control blocks and counters, as a C program starts with zeroed globals."""
    global thread_0, thread_1, thread_2, thread_3, thread_4, thread_5, thread_6, thread_7
    global queue_0, semaphore_0, mutex_0, event_flags_0, byte_pool_0, block_pool_0
    global thread_0_counter, thread_1_counter, thread_1_messages_sent, thread_2_counter
    global thread_2_messages_received, thread_3_counter, thread_4_counter, thread_5_counter
    global thread_6_counter, thread_7_counter
    thread_0, thread_1, thread_2, thread_3 = TX_THREAD(), TX_THREAD(), TX_THREAD(), TX_THREAD()
    thread_4, thread_5, thread_6, thread_7 = TX_THREAD(), TX_THREAD(), TX_THREAD(), TX_THREAD()
    queue_0, semaphore_0, mutex_0 = TX_QUEUE(), TX_SEMAPHORE(), TX_MUTEX()
    event_flags_0, byte_pool_0, block_pool_0 = TX_EVENT_FLAGS_GROUP(), TX_BYTE_POOL(), TX_BLOCK_POOL()
    thread_0_counter = thread_1_counter = thread_1_messages_sent = thread_2_counter = 0
    thread_2_messages_received = thread_3_counter = thread_4_counter = thread_5_counter = 0
    thread_6_counter = thread_7_counter = 0


def tx_application_define(first_unused_memory: Pointer) -> None:
    # Create a byte memory pool from which to allocate the thread stacks.
    tx_byte_pool_create(byte_pool_0, "byte pool 0", first_unused_memory, DEMO_BYTE_POOL_SIZE)

    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_0, "thread 0", thread_0_entry, 0,
                     pointer, DEMO_STACK_SIZE,
                     1, 1, TX_NO_TIME_SLICE, TX_AUTO_START)

    # Threads 1 and 2 pass messages through a queue, and have a time slice.
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_1, "thread 1", thread_1_entry, 1,
                     pointer, DEMO_STACK_SIZE,
                     16, 16, 4, TX_AUTO_START)
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_2, "thread 2", thread_2_entry, 2,
                     pointer, DEMO_STACK_SIZE,
                     16, 16, 4, TX_AUTO_START)

    # Threads 3 and 4 compete for a counting semaphore and share one entry function.
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_3, "thread 3", thread_3_and_4_entry, 3,
                     pointer, DEMO_STACK_SIZE,
                     8, 8, TX_NO_TIME_SLICE, TX_AUTO_START)
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_4, "thread 4", thread_3_and_4_entry, 4,
                     pointer, DEMO_STACK_SIZE,
                     8, 8, TX_NO_TIME_SLICE, TX_AUTO_START)

    # Thread 5 pends on an event flag set by thread 0.
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_5, "thread 5", thread_5_entry, 5,
                     pointer, DEMO_STACK_SIZE,
                     4, 4, TX_NO_TIME_SLICE, TX_AUTO_START)

    # Threads 6 and 7 compete for a mutex.
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_6, "thread 6", thread_6_and_7_entry, 6,
                     pointer, DEMO_STACK_SIZE,
                     8, 8, TX_NO_TIME_SLICE, TX_AUTO_START)
    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_STACK_SIZE, TX_NO_WAIT)
    tx_thread_create(thread_7, "thread 7", thread_6_and_7_entry, 7,
                     pointer, DEMO_STACK_SIZE,
                     8, 8, TX_NO_TIME_SLICE, TX_AUTO_START)

    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_QUEUE_SIZE * sizeof("ULONG"), TX_NO_WAIT)
    tx_queue_create(queue_0, "queue 0", TX_1_ULONG, pointer, DEMO_QUEUE_SIZE * sizeof("ULONG"))

    tx_semaphore_create(semaphore_0, "semaphore 0", 1)
    tx_event_flags_create(event_flags_0, "event flags 0")
    tx_mutex_create(mutex_0, "mutex 0", TX_NO_INHERIT)

    status, pointer = tx_byte_allocate(byte_pool_0, DEMO_BLOCK_POOL_SIZE, TX_NO_WAIT)
    tx_block_pool_create(block_pool_0, "block pool 0", sizeof("ULONG"), pointer, DEMO_BLOCK_POOL_SIZE)

    # Allocate a block and release it again.
    status, pointer = tx_block_allocate(block_pool_0, TX_NO_WAIT)
    tx_block_release(pointer)


def print_counters() -> None:
    print("**** ThreadX Simulation Demonstration ****"
          f" (tick {tx_time_get()})\n")
    print(f"           thread 0 events sent:          {thread_0_counter}")
    print(f"           thread 1 messages sent:        {thread_1_counter}")
    print(f"           thread 2 messages received:    {thread_2_counter}")
    print(f"           thread 3 obtained semaphore:   {thread_3_counter}")
    print(f"           thread 4 obtained semaphore:   {thread_4_counter}")
    print(f"           thread 5 events received:      {thread_5_counter}")
    print(f"           thread 6 mutex obtained:       {thread_6_counter}")
    print(f"           thread 7 mutex obtained:       {thread_7_counter}\n")


def thread_0_entry(thread_input: int) -> None:
    global thread_0_counter
    while True:
        thread_0_counter += 1
        print_counters()
        tx_thread_sleep(10)
        # Set event flag 0 to wake thread 5.
        status = tx_event_flags_set(event_flags_0, 0x1, TX_OR)
        if status != TX_SUCCESS:
            break


def thread_1_entry(thread_input: int) -> None:
    global thread_1_counter, thread_1_messages_sent
    while True:
        thread_1_counter += 1
        cpu_work(1)  # simulation only: the CPU time one pass costs on a board
        status = tx_queue_send(queue_0, [thread_1_messages_sent], TX_WAIT_FOREVER)
        if status != TX_SUCCESS:
            break
        thread_1_messages_sent += 1


def thread_2_entry(thread_input: int) -> None:
    global thread_2_counter, thread_2_messages_received
    while True:
        thread_2_counter += 1
        cpu_work(1)  # simulation only: the CPU time one pass costs on a board
        status, received_message = tx_queue_receive(queue_0, TX_WAIT_FOREVER)
        # Check the status and that the message is the one expected.
        if status != TX_SUCCESS or received_message[0] != thread_2_messages_received:
            break
        thread_2_messages_received += 1


def thread_3_and_4_entry(thread_input: int) -> None:
    global thread_3_counter, thread_4_counter
    while True:
        if thread_input == 3:
            thread_3_counter += 1
        else:
            thread_4_counter += 1
        status = tx_semaphore_get(semaphore_0, TX_WAIT_FOREVER)
        if status != TX_SUCCESS:
            break
        tx_thread_sleep(2)
        status = tx_semaphore_put(semaphore_0)
        if status != TX_SUCCESS:
            break


def thread_5_entry(thread_input: int) -> None:
    global thread_5_counter
    while True:
        thread_5_counter += 1
        status, actual_flags = tx_event_flags_get(event_flags_0, 0x1, TX_OR_CLEAR, TX_WAIT_FOREVER)
        if status != TX_SUCCESS or actual_flags != 0x1:
            break


def thread_6_and_7_entry(thread_input: int) -> None:
    global thread_6_counter, thread_7_counter
    while True:
        if thread_input == 6:
            thread_6_counter += 1
        else:
            thread_7_counter += 1
        status = tx_mutex_get(mutex_0, TX_WAIT_FOREVER)
        if status != TX_SUCCESS:
            break
        # Get the mutex again: an owner may obtain it several times.
        status = tx_mutex_get(mutex_0, TX_WAIT_FOREVER)
        if status != TX_SUCCESS:
            break
        tx_thread_sleep(2)
        status = tx_mutex_put(mutex_0)
        if status != TX_SUCCESS:
            break
        # Release it again: only now is ownership given up.
        status = tx_mutex_put(mutex_0)
        if status != TX_SUCCESS:
            break


def main(ticks: int = 100, trace: bool = False) -> KernelRun:
    _reset_globals()
    # The C main() only calls tx_kernel_enter(), which never returns; the
    # simulation stops at ``ticks``. With ``trace``, tracing is enabled first, on a
    # buffer at the top of simulated RAM (the demo's memory stays where it was).
    define = with_trace(tx_application_define) if trace else tx_application_define
    return tx_kernel_enter(define, until=ticks, config=TRACE_BUILD if trace else None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=100, help="simulated ticks to run (100 per second)")
    parser.add_argument("--trace", metavar="FILE.trx", help="write the run's TraceX trace buffer")
    parser.add_argument("--html", metavar="FILE.html", help="write the run's HTML view (thread timeline, pools)")
    args = parser.parse_args()
    run = main(args.ticks, trace=bool(args.trace or args.html))
    print(run.report())
    if args.trace and run.trace_buffer is not None:
        with open(args.trace, "wb") as trx:
            trx.write(run.trace_buffer)
        print(f"trace buffer ({len(run.trace_buffer)} bytes) written to {args.trace}")
    if args.html and run.trace_buffer is not None:
        from netxsim.view import write_html
        write_html(run, args.html, title="ThreadX demo")
        print(f"HTML view written to {args.html}")
