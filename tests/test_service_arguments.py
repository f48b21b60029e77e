"""Every public service of ThreadX, NetX and the SMTP client, each parameter given a bad
value: None, a value of the wrong kind, a negative number, 2**32 and above, a deleted
object, an object of an earlier run. One row per case; each row expects a C status or
a named error.

Rows come from the declared C prototypes (netxsim.boundary.PROTOTYPES); what each row
expects comes from the rules and tables below:

- a control-block pointer: None, a deleted object and one of an earlier run give the
  C's invalid-object status (``INVALID``), except where ``EXCEPTIONS`` says otherwise
  (a create re-creates a deleted object); another control-block type or an int is a
  TypeError naming the service and the parameter;
- an integer: None or a float is a TypeError; 2**32 + v behaves as v (the valid call,
  ``BASELINE``); -1 converts to 0xFFFFFFFF (0xFFFF, 0xFF) and gets the status listed
  in ``NEGATIVE``: the C range checks, TX_WAIT_FOREVER waits (``WAITED``: the row's
  watchdog ended the wait with tx_thread_wait_abort), or a named error where the C
  would read or write past memory;
- a ``CHAR *``, data pointer or callback: None gets the status in ``NULL``; an int or
  a wrong object is a TypeError;
- a queue message (``ULONG *``) that is not a sequence of integers is NULL:
  TX_PTR_ERROR;
- ``entry_input``/``expiration_input`` take any object (C passes cast pointers).
"""
from __future__ import annotations

import warnings
from typing import Any

import pytest

import netxsim
import smtp_client
from netxsim import (
    NX_ENTRY_NOT_FOUND, NX_INVALID_INTERFACE, NX_INVALID_PACKET, NX_INVALID_PORT,
    NX_INVALID_RELISTEN, NX_IP_ADDRESS_ERROR, NX_NO_RESPONSE, NX_NOT_BOUND, NX_NOT_CONNECTED,
    NX_NO_MORE_ENTRIES, NX_NOT_LISTEN_STATE, NX_NOT_SUPPORTED, NX_OPTION_ERROR, NX_PACKET_OFFSET_ERROR, NX_PTR_ERROR, NX_SIZE_ERROR, NX_SUCCESS,
    TX_ACTIVATE_ERROR, TX_DELETE_ERROR, TX_GROUP_ERROR, TX_INHERIT_ERROR, TX_MUTEX_ERROR, TX_NO_EVENTS,
    TX_NO_INSTANCE, TX_NOT_DONE, TX_NOT_OWNED, TX_OPTION_ERROR, TX_POOL_ERROR, TX_PRIORITY_ERROR,
    TX_PTR_ERROR, TX_QUEUE_EMPTY, TX_QUEUE_ERROR, TX_SEMAPHORE_ERROR, TX_SIZE_ERROR, TX_START_ERROR,
    TX_SUCCESS, TX_THREAD_ERROR, TX_THRESH_ERROR, TX_TIMER_ERROR, TX_WAIT_ABORT_ERROR,
    NX_NOT_FOUND, NX_NOT_SUCCESSFUL, NX_UNHANDLED_COMMAND, TX_FEATURE_NOT_ENABLED, TX_INT_DISABLE,
    TX_INT_ENABLE,
)
from netxsim.boundary import PROTOTYPES
from netxsim.nx import ram_driver
from smtp_client import NX_SMTP_CLIENT_NOT_INTIALIZED, NX_SMTP_INVALID_PARAM

from .service_rows import TYPE_ERROR, WAITED, Row, previous_run_objects, rows, run_service

# The status of an invalid control block, per service family (the C's ID checks).
INVALID_BY_PREFIX = {
    "tx_thread": TX_THREAD_ERROR, "tx_timer": TX_TIMER_ERROR, "tx_semaphore": TX_SEMAPHORE_ERROR,
    "tx_mutex": TX_MUTEX_ERROR, "tx_event_flags": TX_GROUP_ERROR, "tx_queue": TX_QUEUE_ERROR,
    "tx_block": TX_POOL_ERROR, "tx_byte": TX_POOL_ERROR, "nx": NX_PTR_ERROR,
}

# Rows whose outcome differs from the rule for their kind.
EXCEPTIONS: dict[tuple[str, str, str], Any] = {
    # mail_send does not check the client id: the core says "not initialised" (C too).
    ("nx_smtp_mail_send", "client_ptr", "deleted"): NX_SMTP_CLIENT_NOT_INTIALIZED,
    ("nx_smtp_mail_send", "client_ptr", "previous run"): NX_SMTP_CLIENT_NOT_INTIALIZED,
    # The SMTP create checks the IP instance (not created: its own status) and not the
    # pool; mail_send refuses a dead pool later, before sending anything.
    ("nxd_smtp_client_create", "ip_ptr", "deleted"): NX_SMTP_INVALID_PARAM,
    ("nxd_smtp_client_create", "ip_ptr", "previous run"): NX_SMTP_INVALID_PARAM,
    ("nx_smtp_client_create", "ip_ptr", "deleted"): NX_SMTP_INVALID_PARAM,
    ("nx_smtp_client_create", "ip_ptr", "previous run"): NX_SMTP_INVALID_PARAM,
    ("nxd_smtp_client_create", "client_packet_pool_ptr", "deleted"): NX_SUCCESS,
    ("nxd_smtp_client_create", "client_packet_pool_ptr", "previous run"): NX_SUCCESS,
    ("nx_smtp_client_create", "client_packet_pool_ptr", "deleted"): NX_SUCCESS,
    ("nx_smtp_client_create", "client_packet_pool_ptr", "previous run"): NX_SUCCESS,
    # The guide's IPv4 create takes NULL for the address (NX_PTR_ERROR, as before).
    ("nx_smtp_client_create", "server_ip_address", "None"): NX_PTR_ERROR,
    # buffer_length is optional in Python (None: the buffer's length).
    ("nx_packet_data_extract_offset", "buffer_length", "None"): NX_SUCCESS,
    # NetX checks NULL and, for a send or copy, that the packet is allocated
    # (NX_INVALID_PACKET); the other packet services have no check for a released packet.
    ("nx_tcp_socket_send", "packet_ptr", "None"): NX_INVALID_PACKET,
    ("nx_tcp_socket_send", "packet_ptr", "deleted"): NX_INVALID_PACKET,
    ("nx_tcp_socket_send", "packet_ptr", "previous run"): NX_INVALID_PACKET,
    ("nx_packet_copy", "packet_ptr", "deleted"): NX_INVALID_PACKET,
    ("nx_packet_data_append", "packet_ptr", "deleted"): NX_SUCCESS,
    ("nx_packet_data_retrieve", "packet_ptr", "deleted"): NX_SUCCESS,
    ("nx_packet_data_extract_offset", "packet_ptr", "deleted"): NX_SUCCESS,
    ("nx_packet_length_get", "packet_ptr", "deleted"): NX_SUCCESS,
    # nxd connect: a NULL address is an address error in NetX Duo's checks.
    ("nxd_tcp_client_socket_connect", "server_ip", "None"): NX_IP_ADDRESS_ERROR,
    # The performance-information services have no ID-checking layer: the service itself
    # answers TX_PTR_ERROR for NULL or an object that is not created.
    **{(f"tx_{kind}_performance_info_get", parameter, case): TX_PTR_ERROR
       for kind, parameter in (("semaphore", "semaphore_ptr"), ("mutex", "mutex_ptr"),
                               ("event_flags", "group_ptr"), ("queue", "queue_ptr"),
                               ("block_pool", "pool_ptr"), ("byte_pool", "pool_ptr"),
                               ("timer", "timer_ptr"), ("thread", "thread_ptr"))
       for case in ("None", "deleted", "previous run")},
    # The UDP source/info extracts check NULL only: a released packet has no IP header.
    **{(service, "packet_ptr", "deleted"): NX_INVALID_PACKET
       for service in ("nx_udp_source_extract", "nxd_udp_source_extract", "nx_udp_packet_info_extract",
                       "nxd_udp_packet_info_extract")},
    # nx_ip_link_status_change_notify_set checks NULL only (not the IP's ID), as in C.
    ("nx_ip_link_status_change_notify_set", "ip_ptr", "deleted"): NX_SUCCESS,
    ("nx_ip_link_status_change_notify_set", "ip_ptr", "previous run"): NX_SUCCESS,
    # nxd_icmp_*ping: a NULL address is an address error in NetX Duo's checks.
    ("nxd_icmp_ping", "ip_address", "None"): NX_IP_ADDRESS_ERROR,
    ("nxd_icmp_source_ping", "ip_address", "None"): NX_IP_ADDRESS_ERROR,
    ("nxd_icmp_interface_ping", "ip_address", "None"): NX_IP_ADDRESS_ERROR,
    # The row before set the posture to TX_INT_DISABLE (0xFFFFFFFF is not 0): the old
    # posture this row gets back.
    ("tx_interrupt_control", "new_posture", "2**32 and above"): TX_INT_DISABLE,
}

BASELINE: dict[str, Any] = {
    "tx_time_get": 0, "tx_thread_identify": "TX_THREAD", "tx_thread_relinquish": None,
    "nx_system_initialize": None,
    "tx_timer_create": TX_SUCCESS,
    "tx_timer_activate": TX_SUCCESS,
    "tx_timer_deactivate": TX_SUCCESS,
    "tx_timer_change": TX_SUCCESS,
    "tx_timer_delete": TX_SUCCESS,
    "tx_timer_info_get": TX_SUCCESS,
    "tx_time_set": None,
    "tx_thread_create": TX_SUCCESS,
    "tx_thread_delete": TX_DELETE_ERROR,
    "tx_thread_info_get": TX_SUCCESS,
    "tx_thread_priority_change": TX_SUCCESS,
    "tx_thread_preemption_change": TX_SUCCESS,
    "tx_thread_time_slice_change": TX_SUCCESS,
    "tx_thread_resume": TX_SUCCESS,
    "tx_thread_suspend": TX_SUCCESS,
    "tx_thread_terminate": TX_SUCCESS,
    "tx_thread_reset": TX_NOT_DONE,
    "tx_thread_sleep": TX_SUCCESS,
    "tx_thread_wait_abort": TX_WAIT_ABORT_ERROR,
    "tx_thread_entry_exit_notify": TX_SUCCESS,
    "tx_semaphore_create": TX_SUCCESS,
    "tx_semaphore_delete": TX_SUCCESS,
    "tx_semaphore_get": TX_NO_INSTANCE,
    "tx_semaphore_put": TX_SUCCESS,
    "tx_semaphore_ceiling_put": TX_SUCCESS,
    "tx_semaphore_prioritize": TX_SUCCESS,
    "tx_semaphore_info_get": TX_SUCCESS,
    "tx_semaphore_put_notify": TX_SUCCESS,
    "tx_mutex_create": TX_SUCCESS,
    "tx_mutex_delete": TX_SUCCESS,
    "tx_mutex_get": TX_SUCCESS,
    "tx_mutex_put": TX_NOT_OWNED,
    "tx_mutex_prioritize": TX_SUCCESS,
    "tx_mutex_info_get": TX_SUCCESS,
    "tx_event_flags_create": TX_SUCCESS,
    "tx_event_flags_delete": TX_SUCCESS,
    "tx_event_flags_get": TX_NO_EVENTS,
    "tx_event_flags_set": TX_SUCCESS,
    "tx_event_flags_info_get": TX_SUCCESS,
    "tx_event_flags_set_notify": TX_SUCCESS,
    "tx_queue_create": TX_SUCCESS,
    "tx_queue_delete": TX_SUCCESS,
    "tx_queue_send": TX_SUCCESS,
    "tx_queue_front_send": TX_SUCCESS,
    "tx_queue_receive": TX_QUEUE_EMPTY,
    "tx_queue_flush": TX_SUCCESS,
    "tx_queue_prioritize": TX_SUCCESS,
    "tx_queue_info_get": TX_SUCCESS,
    "tx_queue_send_notify": TX_SUCCESS,
    "tx_block_pool_create": TX_SUCCESS,
    "tx_block_pool_delete": TX_SUCCESS,
    "tx_block_allocate": TX_SUCCESS,
    "tx_block_release": TX_SUCCESS,
    "tx_block_pool_prioritize": TX_SUCCESS,
    "tx_block_pool_info_get": TX_SUCCESS,
    "tx_byte_pool_create": TX_SUCCESS,
    "tx_byte_pool_delete": TX_SUCCESS,
    "tx_byte_allocate": TX_SUCCESS,
    "tx_byte_release": TX_SUCCESS,
    "tx_byte_pool_prioritize": TX_SUCCESS,
    "tx_byte_pool_info_get": TX_SUCCESS,
    "nx_packet_pool_create": NX_SUCCESS,
    "nx_packet_pool_delete": NX_SUCCESS,
    "nx_packet_pool_info_get": NX_SUCCESS,
    "nx_packet_allocate": NX_SUCCESS,
    "nx_packet_release": NX_SUCCESS,
    "nx_packet_transmit_release": NX_SUCCESS,
    "nx_packet_data_append": NX_SUCCESS,
    "nx_packet_data_retrieve": NX_SUCCESS,
    "nx_packet_data_extract_offset": NX_SUCCESS,
    "nx_packet_length_get": NX_SUCCESS,
    "nx_packet_copy": NX_INVALID_PACKET,
    "nx_ip_create": NX_SUCCESS,
    "nx_ip_address_get": NX_SUCCESS,
    "nx_ip_address_set": NX_SUCCESS,
    "nx_ip_gateway_address_set": NX_SUCCESS,
    "nx_ip_interface_status_check": NX_SUCCESS,
    "nx_ip_status_check": NX_SUCCESS,
    "nx_ip_info_get": NX_SUCCESS,
    "nx_ip_delete": NX_SUCCESS,
    "nx_arp_enable": NX_SUCCESS,
    "nx_arp_static_entry_create": NX_SUCCESS,
    "nx_arp_static_entry_delete": NX_ENTRY_NOT_FOUND,
    "nx_arp_static_entries_delete": NX_SUCCESS,
    "nx_arp_dynamic_entry_set": NX_SUCCESS,
    "nx_arp_entry_delete": NX_ENTRY_NOT_FOUND,
    "nx_arp_dynamic_entries_invalidate": NX_SUCCESS,
    "nx_arp_hardware_address_find": NX_ENTRY_NOT_FOUND,
    "nx_arp_ip_address_find": NX_ENTRY_NOT_FOUND,
    "nx_arp_info_get": NX_SUCCESS,
    "nx_arp_gratuitous_send": NX_SUCCESS,
    "nx_icmp_enable": NX_SUCCESS,
    "nx_icmp_ping": NX_NO_RESPONSE,
    "nx_icmp_info_get": NX_SUCCESS,
    # The default build has NX_MAX_PHYSICAL_INTERFACES 1: no room for a second interface.
    "nx_ip_interface_attach": NX_NO_MORE_ENTRIES,
    "nx_tcp_enable": NX_SUCCESS,
    "nx_tcp_info_get": NX_SUCCESS,
    "nx_tcp_free_port_find": NX_SUCCESS,
    "nx_tcp_socket_create": NX_SUCCESS,
    "nx_tcp_socket_delete": NX_SUCCESS,
    "nx_tcp_client_socket_bind": NX_SUCCESS,
    "nx_tcp_client_socket_unbind": NX_NOT_BOUND,
    "nx_tcp_client_socket_port_get": NX_NOT_BOUND,
    "nx_tcp_client_socket_connect": NX_NOT_BOUND,
    "nxd_tcp_client_socket_connect": NX_NOT_BOUND,
    "nx_tcp_server_socket_listen": NX_SUCCESS,
    "nx_tcp_server_socket_accept": NX_NOT_LISTEN_STATE,
    "nx_tcp_server_socket_relisten": NX_INVALID_RELISTEN,
    "nx_tcp_server_socket_unaccept": NX_NOT_LISTEN_STATE,
    "nx_tcp_server_socket_unlisten": NX_ENTRY_NOT_FOUND,
    "nx_tcp_socket_send": NX_NOT_CONNECTED,
    "nx_tcp_socket_receive": NX_NOT_BOUND,
    "nx_tcp_socket_disconnect": NX_NOT_CONNECTED,
    "nx_tcp_socket_info_get": NX_SUCCESS,
    "nx_tcp_socket_state_wait": NX_SUCCESS,
    "nx_tcp_socket_mss_get": NX_SUCCESS,
    "nx_tcp_socket_mss_set": NX_SUCCESS,
    "nx_tcp_socket_mss_peer_get": NX_SUCCESS,
    "nx_tcp_socket_receive_notify": NX_SUCCESS,
    "nx_tcp_socket_window_update_notify_set": NX_SUCCESS,
    "nx_tcp_socket_transmit_configure": NX_SUCCESS,
    "nx_tcp_socket_bytes_available": NX_NOT_CONNECTED,
    "nx_tcp_socket_peer_info_get": NX_NOT_CONNECTED,
    "nxd_smtp_client_create": NX_SUCCESS,
    "nx_smtp_client_create": NX_SUCCESS,
    "nx_smtp_client_delete": NX_SUCCESS,
    "nx_smtp_mail_send": WAITED,
    **{f"tx_{kind}_performance_{which}": TX_SUCCESS
       for kind in ("semaphore", "mutex", "event_flags", "queue", "block_pool", "byte_pool", "timer", "thread")
       for which in ("info_get", "system_info_get")},
    "tx_interrupt_control": TX_INT_ENABLE,        # the old posture
    "tx_thread_stack_error_notify": TX_FEATURE_NOT_ENABLED,
    "nx_udp_enable": NX_SUCCESS,
    "nx_udp_socket_create": NX_SUCCESS,
    "nx_udp_socket_delete": NX_SUCCESS,
    "nx_udp_free_port_find": NX_SUCCESS,
    "nx_udp_socket_bind": NX_SUCCESS,
    "nx_udp_socket_unbind": NX_NOT_BOUND,
    "nx_udp_socket_port_get": NX_NOT_BOUND,
    "nx_udp_socket_checksum_disable": NX_NOT_BOUND,
    "nx_udp_socket_checksum_enable": NX_NOT_BOUND,
    "nx_udp_socket_receive_notify": NX_SUCCESS,
    "nxd_udp_socket_send": NX_NOT_BOUND,
    "nx_udp_socket_send": NX_NOT_BOUND,
    "nxd_udp_socket_source_send": NX_NOT_BOUND,
    "nx_udp_socket_source_send": NX_NOT_BOUND,
    "nxd_udp_socket_interface_send": NX_NOT_BOUND,
    "nx_udp_socket_interface_send": NX_NOT_BOUND,
    "nx_udp_socket_receive": NX_NOT_BOUND,
    "nx_udp_socket_bytes_available": NX_NOT_SUCCESSFUL,
    "nx_udp_info_get": NX_SUCCESS,
    "nx_udp_socket_info_get": NX_SUCCESS,
    # A packet never received has no IP header to read the source from.
    "nxd_udp_source_extract": NX_INVALID_PACKET,
    "nx_udp_source_extract": NX_INVALID_PACKET,
    "nxd_udp_packet_info_extract": NX_INVALID_PACKET,
    "nx_udp_packet_info_extract": NX_INVALID_PACKET,
    "nx_ip_fragment_enable": NX_SUCCESS,
    "nx_ip_fragment_disable": NX_SUCCESS,
    "nx_tcp_socket_establish_notify": NX_SUCCESS,
    "nx_tcp_socket_disconnect_complete_notify": NX_SUCCESS,
    "nx_tcp_socket_timed_wait_callback": NX_SUCCESS,
    "nxd_tcp_socket_peer_info_get": NX_NOT_CONNECTED,
    "nx_ip_gateway_address_get": NX_NOT_FOUND,
    "nx_ip_gateway_address_clear": NX_SUCCESS,
    "nx_ip_address_change_notify": NX_SUCCESS,
    "nx_ip_link_status_change_notify_set": NX_SUCCESS,
    "nx_ip_forwarding_enable": NX_SUCCESS,
    "nx_ip_forwarding_disable": NX_SUCCESS,
    "nx_ip_max_payload_size_find": NX_SUCCESS,
    "nx_ip_driver_direct_command": NX_SUCCESS,            # the RAM driver's link status
    "nx_ip_driver_interface_direct_command": NX_SUCCESS,
    "nx_ip_interface_info_get": NX_SUCCESS,
    "nx_ip_interface_address_get": NX_SUCCESS,
    "nx_ip_interface_address_set": NX_SUCCESS,
    "nx_ip_interface_mtu_set": NX_SUCCESS,
    "nx_ip_interface_physical_address_get": NX_SUCCESS,
    "nx_ip_interface_physical_address_set": NX_SUCCESS,
    "nx_ip_interface_address_mapping_configure": NX_SUCCESS,
    "nx_ip_interface_detach": NX_SUCCESS,
    "nxd_icmp_enable": NX_SUCCESS,
    "nxd_icmp_ping": NX_NO_RESPONSE,
    "nxd_icmp_source_ping": NX_NO_RESPONSE,
    "nxd_icmp_interface_ping": NX_NO_RESPONSE,
}
NEGATIVE: dict[tuple[str, str], Any] = {
    ("nx_ip_interface_attach", "ip_address"): NX_IP_ADDRESS_ERROR,   # 255.255.255.255: no class A/B/C
    ("nx_ip_interface_attach", "network_mask"): NX_NO_MORE_ENTRIES,
    ("tx_timer_create", "initial_ticks"): TX_SUCCESS,
    ("tx_timer_create", "reschedule_ticks"): TX_SUCCESS,
    ("tx_timer_create", "auto_activate"): TX_ACTIVATE_ERROR,
    ("tx_timer_change", "initial_ticks"): TX_SUCCESS,
    ("tx_timer_change", "reschedule_ticks"): TX_SUCCESS,
    ("tx_time_set", "new_time"): None,
    ("tx_thread_create", "stack_size"): TX_PTR_ERROR,
    ("tx_thread_create", "priority"): TX_PRIORITY_ERROR,
    ("tx_thread_create", "preempt_threshold"): TX_THRESH_ERROR,
    ("tx_thread_create", "time_slice"): TX_SUCCESS,
    ("tx_thread_create", "auto_start"): TX_START_ERROR,
    ("tx_thread_priority_change", "new_priority"): TX_PRIORITY_ERROR,
    ("tx_thread_preemption_change", "new_threshold"): TX_THRESH_ERROR,
    ("tx_thread_time_slice_change", "new_time_slice"): TX_SUCCESS,
    ("tx_thread_sleep", "timer_ticks"): WAITED,
    ("tx_semaphore_create", "initial_count"): TX_SUCCESS,
    ("tx_semaphore_get", "wait_option"): WAITED,
    ("tx_semaphore_ceiling_put", "ceiling"): TX_SUCCESS,
    ("tx_mutex_create", "inherit"): TX_INHERIT_ERROR,
    ("tx_mutex_get", "wait_option"): TX_SUCCESS,
    ("tx_event_flags_get", "requested_flags"): TX_NO_EVENTS,
    ("tx_event_flags_get", "get_option"): TX_OPTION_ERROR,
    ("tx_event_flags_get", "wait_option"): WAITED,
    ("tx_event_flags_set", "flags_to_set"): TX_SUCCESS,
    ("tx_event_flags_set", "set_option"): TX_OPTION_ERROR,
    ("tx_queue_create", "message_size"): TX_SIZE_ERROR,
    ("tx_queue_create", "queue_size"): 'MemoryRegionError',
    ("tx_queue_send", "wait_option"): TX_SUCCESS,
    ("tx_queue_front_send", "wait_option"): TX_SUCCESS,
    ("tx_queue_receive", "wait_option"): WAITED,
    ("tx_block_pool_create", "block_size"): TX_SIZE_ERROR,
    ("tx_block_pool_create", "pool_size"): 'MemoryRegionError',
    ("tx_block_allocate", "wait_option"): TX_SUCCESS,
    ("tx_byte_pool_create", "pool_size"): 'MemoryRegionError',
    ("tx_byte_allocate", "memory_size"): TX_SIZE_ERROR,
    ("tx_byte_allocate", "wait_option"): TX_SUCCESS,
    ("nx_packet_pool_create", "payload_size"): NX_SIZE_ERROR,
    ("nx_packet_pool_create", "memory_size"): 'MemoryRegionError',
    ("nx_packet_allocate", "packet_type"): NX_OPTION_ERROR,
    ("nx_packet_allocate", "wait_option"): NX_SUCCESS,
    ("nx_packet_data_append", "data_size"): 'ValueError',
    ("nx_packet_data_append", "wait_option"): NX_SUCCESS,
    ("nx_packet_data_extract_offset", "offset"): NX_PACKET_OFFSET_ERROR,
    ("nx_packet_data_extract_offset", "buffer_length"): NX_SUCCESS,
    ("nx_packet_copy", "wait_option"): NX_INVALID_PACKET,
    ("nx_ip_create", "ip_address"): NX_IP_ADDRESS_ERROR,
    ("nx_ip_create", "network_mask"): NX_SUCCESS,
    ("nx_ip_create", "memory_size"): 'MemoryRegionError',
    ("nx_ip_create", "priority"): NX_OPTION_ERROR,
    ("nx_ip_address_set", "ip_address"): NX_IP_ADDRESS_ERROR,
    ("nx_ip_address_set", "network_mask"): NX_SUCCESS,
    ("nx_ip_gateway_address_set", "ip_address"): NX_IP_ADDRESS_ERROR,
    ("nx_ip_interface_status_check", "interface_index"): NX_INVALID_INTERFACE,
    ("nx_ip_interface_status_check", "needed_status"): NX_OPTION_ERROR,
    ("nx_ip_interface_status_check", "wait_option"): NX_SUCCESS,
    ("nx_ip_status_check", "needed_status"): NX_OPTION_ERROR,
    ("nx_ip_status_check", "wait_option"): NX_SUCCESS,
    ("nx_arp_enable", "arp_cache_size"): 'MemoryRegionError',
    ("nx_arp_static_entry_create", "ip_address"): NX_IP_ADDRESS_ERROR,
    ("nx_arp_static_entry_create", "physical_msw"): NX_SUCCESS,
    ("nx_arp_static_entry_create", "physical_lsw"): NX_SUCCESS,
    ("nx_arp_static_entry_delete", "ip_address"): NX_ENTRY_NOT_FOUND,
    ("nx_arp_static_entry_delete", "physical_msw"): NX_ENTRY_NOT_FOUND,
    ("nx_arp_static_entry_delete", "physical_lsw"): NX_ENTRY_NOT_FOUND,
    ("nx_arp_dynamic_entry_set", "ip_address"): NX_IP_ADDRESS_ERROR,
    ("nx_arp_dynamic_entry_set", "physical_msw"): NX_SUCCESS,
    ("nx_arp_dynamic_entry_set", "physical_lsw"): NX_SUCCESS,
    ("nx_arp_entry_delete", "ip_address"): NX_ENTRY_NOT_FOUND,
    ("nx_arp_hardware_address_find", "ip_address"): NX_ENTRY_NOT_FOUND,
    ("nx_arp_ip_address_find", "physical_msw"): NX_ENTRY_NOT_FOUND,
    ("nx_arp_ip_address_find", "physical_lsw"): NX_ENTRY_NOT_FOUND,
    ("nx_icmp_ping", "ip_address"): NX_NO_RESPONSE,
    ("nx_icmp_ping", "data_size"): 'ValueError',
    ("nx_icmp_ping", "wait_option"): WAITED,
    ("nx_tcp_free_port_find", "port"): NX_INVALID_PORT,
    ("nx_tcp_socket_create", "type_of_service"): NX_OPTION_ERROR,
    ("nx_tcp_socket_create", "fragment"): NX_OPTION_ERROR,
    ("nx_tcp_socket_create", "time_to_live"): NX_OPTION_ERROR,
    ("nx_tcp_socket_create", "window_size"): NX_OPTION_ERROR,
    ("nx_tcp_client_socket_bind", "port"): NX_INVALID_PORT,
    ("nx_tcp_client_socket_bind", "wait_option"): NX_SUCCESS,
    ("nx_tcp_client_socket_connect", "server_ip"): NX_IP_ADDRESS_ERROR,
    ("nx_tcp_client_socket_connect", "server_port"): NX_INVALID_PORT,
    ("nx_tcp_client_socket_connect", "wait_option"): NX_NOT_BOUND,
    ("nxd_tcp_client_socket_connect", "server_port"): NX_INVALID_PORT,
    ("nxd_tcp_client_socket_connect", "wait_option"): NX_NOT_BOUND,
    ("nx_tcp_server_socket_listen", "port"): NX_INVALID_PORT,
    ("nx_tcp_server_socket_listen", "listen_queue_size"): NX_SUCCESS,
    ("nx_tcp_server_socket_accept", "wait_option"): NX_NOT_LISTEN_STATE,
    ("nx_tcp_server_socket_relisten", "port"): NX_INVALID_PORT,
    ("nx_tcp_server_socket_unlisten", "port"): NX_INVALID_PORT,
    ("nx_tcp_socket_send", "wait_option"): NX_NOT_CONNECTED,
    ("nx_tcp_socket_receive", "wait_option"): NX_NOT_BOUND,
    ("nx_tcp_socket_disconnect", "wait_option"): NX_NOT_CONNECTED,
    ("nx_tcp_socket_state_wait", "desired_state"): NX_OPTION_ERROR,
    ("nx_tcp_socket_state_wait", "wait_option"): NX_SUCCESS,
    ("nx_tcp_socket_mss_set", "mss"): NX_SUCCESS,
    ("nx_tcp_socket_transmit_configure", "max_queue_depth"): NX_SUCCESS,
    ("nx_tcp_socket_transmit_configure", "timeout"): NX_SUCCESS,
    ("nx_tcp_socket_transmit_configure", "max_retries"): NX_SUCCESS,
    ("nx_tcp_socket_transmit_configure", "timeout_shift"): NX_SUCCESS,
    ("nxd_smtp_client_create", "authentication_type"): NX_SUCCESS,
    ("nxd_smtp_client_create", "port"): NX_SUCCESS,
    ("nx_smtp_client_create", "authentication_type"): NX_SUCCESS,
    ("nx_smtp_client_create", "server_ip_address"): NX_SUCCESS,
    ("nx_smtp_client_create", "port"): NX_SUCCESS,
    ("nx_smtp_mail_send", "priority"): WAITED,
    ("nx_smtp_mail_send", "mail_body_length"): 'ValueError',
    ("tx_interrupt_control", "new_posture"): TX_INT_ENABLE,   # the old posture (now disabled)
    ("nx_udp_socket_create", "type_of_service"): NX_OPTION_ERROR,
    ("nx_udp_socket_create", "fragment"): NX_OPTION_ERROR,
    ("nx_udp_socket_create", "time_to_live"): NX_OPTION_ERROR,
    ("nx_udp_socket_create", "queue_maximum"): NX_SUCCESS,
    ("nx_udp_free_port_find", "port"): NX_INVALID_PORT,
    ("nx_udp_socket_bind", "port"): NX_INVALID_PORT,
    ("nx_udp_socket_bind", "wait_option"): NX_SUCCESS,
    ("nx_udp_socket_receive", "wait_option"): NX_NOT_BOUND,
    **{(service, parameter): status
       for service in ("nx_udp_socket_send", "nx_udp_socket_source_send", "nx_udp_socket_interface_send",
                       "nxd_udp_socket_send", "nxd_udp_socket_source_send", "nxd_udp_socket_interface_send")
       for parameter, status in (("ip_address", NX_NOT_BOUND), ("port", NX_INVALID_PORT),
                                 ("address_index", NX_INVALID_INTERFACE))},
    ("nx_ip_max_payload_size_find", "if_index"): NX_INVALID_INTERFACE,
    ("nx_ip_max_payload_size_find", "src_port"): NX_SUCCESS,
    ("nx_ip_max_payload_size_find", "dest_port"): NX_SUCCESS,
    ("nx_ip_max_payload_size_find", "protocol"): NX_NOT_SUPPORTED,
    ("nx_ip_driver_direct_command", "command"): NX_UNHANDLED_COMMAND,
    ("nx_ip_driver_interface_direct_command", "command"): NX_UNHANDLED_COMMAND,
    **{(service, "interface_index"): NX_INVALID_INTERFACE
       for service in ("nx_ip_driver_interface_direct_command", "nx_ip_interface_info_get",
                       "nx_ip_interface_address_get", "nx_ip_interface_address_set", "nx_ip_interface_mtu_set",
                       "nx_ip_interface_physical_address_get", "nx_ip_interface_physical_address_set",
                       "nx_ip_interface_address_mapping_configure")},
    ("nx_ip_interface_detach", "index"): NX_INVALID_INTERFACE,
    ("nx_ip_interface_address_set", "ip_address"): NX_IP_ADDRESS_ERROR,   # 255.255.255.255
    ("nx_ip_interface_address_set", "network_mask"): NX_SUCCESS,
    ("nx_ip_interface_mtu_set", "mtu_size"): NX_SUCCESS,
    ("nx_ip_interface_physical_address_set", "physical_msw"): NX_SUCCESS,
    ("nx_ip_interface_physical_address_set", "physical_lsw"): NX_SUCCESS,
    ("nx_ip_interface_physical_address_set", "update_driver"): NX_SUCCESS,   # only NX_TRUE tells the driver
    ("nx_ip_interface_address_mapping_configure", "mapping_needed"): NX_SUCCESS,
    **{(service, parameter): status
       for service in ("nxd_icmp_ping", "nxd_icmp_source_ping", "nxd_icmp_interface_ping")
       for parameter, status in (("data_size", 'ValueError'), ("wait_option", WAITED),
                                 ("address_index", NX_INVALID_INTERFACE))},
}
NULL: dict[tuple[str, str], Any] = {
    ("nx_ip_interface_attach", "interface_name"): NX_PTR_ERROR,
    ("nx_ip_interface_attach", "ip_link_driver"): NX_PTR_ERROR,
    ("tx_timer_create", "name_ptr"): TX_SUCCESS,
    ("tx_timer_create", "expiration_function"): TX_SUCCESS,
    ("tx_thread_create", "name_ptr"): TX_SUCCESS,
    ("tx_thread_create", "entry_function"): TX_PTR_ERROR,
    ("tx_thread_create", "stack_start"): TX_PTR_ERROR,
    ("tx_thread_entry_exit_notify", "thread_entry_exit_notify"): TX_SUCCESS,
    ("tx_semaphore_create", "name_ptr"): TX_SUCCESS,
    ("tx_semaphore_put_notify", "semaphore_put_notify"): TX_SUCCESS,
    ("tx_mutex_create", "name_ptr"): TX_SUCCESS,
    ("tx_event_flags_create", "name_ptr"): TX_SUCCESS,
    ("tx_event_flags_set_notify", "events_set_notify"): TX_SUCCESS,
    ("tx_queue_create", "name_ptr"): TX_SUCCESS,
    ("tx_queue_create", "queue_start"): TX_PTR_ERROR,
    ("tx_queue_send", "source_ptr"): TX_PTR_ERROR,
    ("tx_queue_front_send", "source_ptr"): TX_PTR_ERROR,
    ("tx_queue_send_notify", "queue_send_notify"): TX_SUCCESS,
    ("tx_block_pool_create", "name_ptr"): TX_SUCCESS,
    ("tx_block_pool_create", "pool_start"): TX_PTR_ERROR,
    ("tx_block_release", "block_ptr"): TX_PTR_ERROR,
    ("tx_byte_pool_create", "name_ptr"): TX_SUCCESS,
    ("tx_byte_pool_create", "pool_start"): TX_PTR_ERROR,
    ("tx_byte_release", "memory_ptr"): TX_PTR_ERROR,
    ("nx_packet_pool_create", "name"): NX_SUCCESS,
    ("nx_packet_pool_create", "memory_ptr"): NX_PTR_ERROR,
    ("nx_packet_data_append", "data_start"): NX_PTR_ERROR,
    ("nx_packet_data_retrieve", "buffer_start"): NX_PTR_ERROR,
    ("nx_packet_data_extract_offset", "buffer_start"): NX_PTR_ERROR,
    ("nx_ip_create", "name"): NX_SUCCESS,
    ("nx_ip_create", "ip_link_driver"): NX_PTR_ERROR,
    ("nx_ip_create", "memory_ptr"): NX_PTR_ERROR,
    ("nx_arp_enable", "arp_cache_memory"): NX_PTR_ERROR,
    ("nx_arp_gratuitous_send", "response_handler"): NX_SUCCESS,
    ("nx_icmp_ping", "data_ptr"): NX_PTR_ERROR,
    ("nx_tcp_socket_create", "name"): NX_SUCCESS,
    ("nx_tcp_socket_create", "tcp_urgent_data_callback"): NX_SUCCESS,
    ("nx_tcp_socket_create", "tcp_disconnect_callback"): NX_SUCCESS,
    ("nx_tcp_server_socket_listen", "tcp_listen_callback"): NX_SUCCESS,
    ("nx_tcp_socket_receive_notify", "tcp_receive_notify"): NX_SUCCESS,
    ("nx_tcp_socket_window_update_notify_set", "tcp_window_update_notify"): NX_PTR_ERROR,
    ("nxd_smtp_client_create", "username"): NX_PTR_ERROR,
    ("nxd_smtp_client_create", "password"): NX_PTR_ERROR,
    ("nxd_smtp_client_create", "from_address"): NX_PTR_ERROR,
    ("nxd_smtp_client_create", "client_domain"): NX_PTR_ERROR,
    ("nx_smtp_client_create", "username"): NX_PTR_ERROR,
    ("nx_smtp_client_create", "password"): NX_PTR_ERROR,
    ("nx_smtp_client_create", "from_address"): NX_PTR_ERROR,
    ("nx_smtp_client_create", "client_domain"): NX_PTR_ERROR,
    ("nx_smtp_mail_send", "recipient_address"): NX_PTR_ERROR,
    ("nx_smtp_mail_send", "subject"): NX_PTR_ERROR,
    ("nx_smtp_mail_send", "mail_body"): NX_PTR_ERROR,
    ("tx_thread_stack_error_notify", "stack_error_handler"): TX_FEATURE_NOT_ENABLED,
    ("nx_udp_socket_create", "name"): NX_SUCCESS,
    ("nx_udp_socket_receive_notify", "udp_receive_notify"): NX_SUCCESS,   # removes the callback
    ("nx_tcp_socket_establish_notify", "tcp_establish_notify"): NX_PTR_ERROR,
    ("nx_tcp_socket_disconnect_complete_notify", "tcp_disconnect_complete_notify"): NX_PTR_ERROR,
    ("nx_tcp_socket_timed_wait_callback", "tcp_timed_wait_callback"): NX_PTR_ERROR,
    ("nx_ip_address_change_notify", "ip_address_change_notify"): NX_SUCCESS,   # removes it
    ("nx_ip_link_status_change_notify_set", "link_status_change_notify"): NX_PTR_ERROR,
    ("nxd_icmp_ping", "data_ptr"): NX_PTR_ERROR,
    ("nxd_icmp_source_ping", "data_ptr"): NX_PTR_ERROR,
    ("nxd_icmp_interface_ping", "data_ptr"): NX_PTR_ERROR,
}


KIND_RULES: dict[str, dict[str, str]] = {
    "block": {"None": "invalid", "wrong type": TYPE_ERROR, "negative": TYPE_ERROR,
              "2**32 and above": TYPE_ERROR, "deleted": "invalid", "previous run": "invalid"},
    "int": {"None": TYPE_ERROR, "wrong type": TYPE_ERROR, "negative": "negative", "2**32 and above": "baseline"},
    "text": {"None": "null", "wrong type": TYPE_ERROR, "negative": TYPE_ERROR, "2**32 and above": TYPE_ERROR},
    "data": {"None": "null", "wrong type": TYPE_ERROR, "negative": TYPE_ERROR, "2**32 and above": TYPE_ERROR},
    "callback": {"None": "null", "wrong type": TYPE_ERROR, "negative": TYPE_ERROR,
                 "2**32 and above": TYPE_ERROR},
    "message": {"None": "ptr", "wrong type": "ptr", "negative": "ptr", "2**32 and above": "ptr"},
    "opaque": {"None": "baseline", "wrong type": "baseline", "negative": "baseline",
               "2**32 and above": "baseline"},
}


# Services whose _nxe_ front end is compiled only with a build option the default build
# leaves off: every call gets NX_NOT_SUPPORTED (after the boundary's kind checks).
NOT_IN_DEFAULT_BUILD = {
    "nx_packet_pool_low_watermark_set", "nx_tcp_socket_receive_queue_max_set",   # NX_ENABLE_LOW_WATERMARK
    "nx_ip_interface_capability_set", "nx_ip_interface_capability_get",          # NX_ENABLE_INTERFACE_CAPABILITY
    "nx_ip_auxiliary_packet_pool_set",                                           # NX_ENABLE_DUAL_PACKET_POOL
    "nx_ip_static_route_add", "nx_ip_static_route_delete",                       # NX_ENABLE_IP_STATIC_ROUTING
    "nx_tcp_socket_queue_depth_notify_set",                        # NX_ENABLE_TCP_QUEUE_DEPTH_UPDATE_NOTIFY
}


def expected(row: Row) -> Any:
    """What ``row`` must give, from the rules and tables above."""
    if row.service.startswith("tx_trace_"):
        # TX_ENABLE_EVENT_TRACE is off in the default build: the C's #else branches return
        # TX_FEATURE_NOT_ENABLED whatever the arguments (the ISR inserts return nothing).
        parameter = next((p for p in PROTOTYPES[row.service].parameters if p.name == row.parameter), None)
        if parameter is not None and KIND_RULES[parameter.kind][row.case] == TYPE_ERROR:
            return TYPE_ERROR
        return None if row.service.startswith("tx_trace_isr_") else TX_FEATURE_NOT_ENABLED
    if row.service in NOT_IN_DEFAULT_BUILD:
        parameter = next((p for p in PROTOTYPES[row.service].parameters if p.name == row.parameter), None)
        if parameter is None or KIND_RULES[parameter.kind][row.case] != TYPE_ERROR:
            return NX_NOT_SUPPORTED
        return TYPE_ERROR
    if row.case == "baseline":
        return BASELINE[row.service]
    if (row.service, row.parameter, row.case) in EXCEPTIONS:
        return EXCEPTIONS[row.service, row.parameter, row.case]
    parameter = next(p for p in PROTOTYPES[row.service].parameters if p.name == row.parameter)
    rule = KIND_RULES[parameter.kind][row.case]
    function = SERVICES[row.service]
    if rule == "invalid":
        if row.parameter == function.creates and row.case != "None":
            return BASELINE[row.service]          # a create re-creates a deleted/old object
        return next(status for prefix, status in INVALID_BY_PREFIX.items() if row.service.startswith(prefix))
    return {"negative": lambda: NEGATIVE[row.service, row.parameter],
            "baseline": lambda: BASELINE[row.service],
            "null": lambda: NULL[row.service, row.parameter],
            "ptr": lambda: TX_PTR_ERROR}.get(rule, lambda: rule)()


SERVICES = {name: getattr(netxsim, name, None) or getattr(smtp_client, name) for name in PROTOTYPES}
ROWS = [Row(name, "", "baseline") for name in PROTOTYPES] + rows()


@pytest.fixture(scope="module")
def outcomes() -> dict[Row, Any]:
    """Run every row once: one kernel per service (about a second in all)."""
    saved = ram_driver.NX_MAX_RAM_INTERFACES
    ram_driver.NX_MAX_RAM_INTERFACES = None      # every row makes hosts of its own
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            previous = previous_run_objects(100)
            results: dict[Row, Any] = {}
            by_service: dict[str, list[Row]] = {}
            for row in rows():
                by_service.setdefault(row.service, []).append(row)
            for service in PROTOTYPES:
                results.update(run_service(service, by_service.get(service, []), previous))
    finally:
        ram_driver.NX_MAX_RAM_INTERFACES = saved
    return results


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_row(row: Row, outcomes: dict[Row, Any]) -> None:
    got, want = outcomes[row], expected(row)
    if want == TYPE_ERROR:
        assert isinstance(got, tuple) and got[0] == TYPE_ERROR, got
        assert got[1].startswith(f"{row.service}: {row.parameter} must be "), got[1]
    elif want in ("ValueError", "MemoryRegionError"):
        # Where C would read or write past the memory it was given: a named error.
        assert isinstance(got, tuple) and got[0] == want, got
        assert "4294967295" in got[1] or "outside simulated RAM" in got[1], got[1]
    else:
        assert got == want


def test_every_public_service_declares_its_prototype() -> None:
    public = {name for module in (netxsim, smtp_client) for name in module.__all__
              if name.startswith(("tx_", "nx_", "nxd_")) and callable(getattr(module, name))}
    assert public - {"tx_kernel_enter", "nx_ip_periodic_rate"} == set(PROTOTYPES)
    assert all(SERVICES[name].prototype.name == name for name in PROTOTYPES)


def test_the_table_has_every_case_of_every_parameter() -> None:
    covered = {(row.service, row.parameter) for row in rows()}
    assert covered == {(name, p.name) for name, prototype in PROTOTYPES.items() for p in prototype.parameters}
    run_tracked = [row for row in rows() if row.case in ("deleted", "previous run")]
    assert len(run_tracked) > 200 and len(rows()) > 1400
