/* Attribute reads and writes for the compiled build (netxsim.compile), with a cache at
 * each call site, as CPython 3.11's interpreter specialises LOAD_ATTR and STORE_ATTR.
 *
 * Cython compiles `obj.name` to the generic look-up: first the type's attribute (through
 * the type's method cache), then the instance's dictionary. The type part only decides
 * whether a data descriptor (or a slot) takes precedence, and it cannot change while the
 * type's version tag is unchanged (CPython resets the tag whenever the type or a base is
 * modified). So each call site remembers, for the last type it saw and that type's tag,
 * what the look-up found:
 *   DICT   nothing that takes precedence over the instance's dictionary: no attribute on
 *          the type, or one that is no data descriptor and whose own type is immutable (a
 *          class-level int, a function, ...);
 *   SLOT   a __slots__ member (an object slot, neither read-only nor audited): its offset.
 * With a valid entry, a slot is read or written at its offset as the member descriptor
 * does, and a read first tries the entry where the name was found last time at this
 * site, as the interpreter's LOAD_ATTR_WITH_HINT and LOAD_ATTR_INSTANCE_VALUE do: in
 * the instance's dictionary (only a table of str keys holding its values, where the
 * look-up itself would compare by identity first and never call __eq__), or in the
 * instance's values when its dictionary is not built yet (laid out as the type's shared
 * keys, which only ever grow; the values array has room for every entry they may hold).
 * Otherwise a read of an instance whose dictionary exists is one dictionary look-up (a
 * miss goes the generic way, which then finds the class attribute or raises). A write
 * replaces a value the instance already holds in its values in place (as
 * STORE_ATTR_INSTANCE_VALUE does), and stores into a dictionary through PyDict_SetItem,
 * which gives the dictionary its new version number (PEP 509; Cython's own global
 * caches use it). Everything else (another type, a type modified since, a custom
 * __getattribute__/__getattr__/__setattr__, a miss, a deletion) takes Cython's generic
 * path unchanged. The results, errors and side effects are those of the generic path in
 * every case.
 *
 * The object and dictionary layouts used are CPython 3.11's; any other version, or a
 * compiler without statement expressions, uses the generic path only.
 */
#ifndef NETXSIM_ATTR_CACHE_H
#define NETXSIM_ATTR_CACHE_H

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000 && defined(__GNUC__) \
    && CYTHON_COMPILING_IN_CPYTHON && !CYTHON_COMPILING_IN_LIMITED_API
#include "structmember.h"

#define NETXSIM_ATTR_NONE 0
#define NETXSIM_ATTR_DICT 1
#define NETXSIM_ATTR_SLOT 2

typedef struct {
    PyTypeObject *type;      /* compared only, never dereferenced through the cache */
    unsigned int version;
    int get_kind;
    int set_kind;
    Py_ssize_t offset;
    Py_ssize_t hint;         /* where the name last was in an instance dictionary's entries */
    int hint_credit;         /* a site whose hint keeps missing stops hinting */
} __netxsim_attr_site;

/* CPython 3.11's dictionary keys (Include/internal/pycore_dict.h): a read hint checks the
 * entry it names, as the interpreter's LOAD_ATTR_WITH_HINT does. Only tables whose keys
 * are all strings (a look-up there never calls __eq__) with the values in the entries. */
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind;
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
} __netxsim_dict_keys;
typedef struct { PyObject *me_key; PyObject *me_value; } __netxsim_unicode_entry;
#define NETXSIM_DICT_KEYS_GENERAL 0
#define NETXSIM_HINT_OFF (-2)
#define NETXSIM_HINT_SCAN_MAX 512

static CYTHON_INLINE __netxsim_unicode_entry *__netxsim_entries(PyDictObject *dict, Py_ssize_t *count) {
    __netxsim_dict_keys *keys = (__netxsim_dict_keys *)dict->ma_keys;
    if (dict->ma_values != NULL || keys->dk_kind == NETXSIM_DICT_KEYS_GENERAL)
        return NULL;
    *count = keys->dk_nentries;
    return (__netxsim_unicode_entry *)(keys->dk_indices + ((size_t)1 << keys->dk_log2_index_bytes));
}

/* After a look-up found ``name``: remember its entry for the next read at this site. */
static void __netxsim_learn_hint(PyObject *dict, PyObject *name, __netxsim_attr_site *site) {
    Py_ssize_t count, i;
    __netxsim_unicode_entry *entries;
    if (site->hint == NETXSIM_HINT_OFF || !PyDict_CheckExact(dict))
        return;
    if (--site->hint_credit < -64) {   /* mostly misses: this site is not worth hinting */
        site->hint = NETXSIM_HINT_OFF;
        return;
    }
    entries = __netxsim_entries((PyDictObject *)dict, &count);
    if (entries == NULL || count > NETXSIM_HINT_SCAN_MAX)
        return;
    for (i = 0; i < count; i++) {
        if (entries[i].me_key == name) {
            site->hint = i;
            return;
        }
    }
}

static CYTHON_INLINE int __netxsim_tag_valid(PyTypeObject *tp, const __netxsim_attr_site *site) {
    return site->type == tp && tp->tp_version_tag == site->version
        && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG);
}

static void __netxsim_attr_fill(PyTypeObject *tp, PyObject *name, __netxsim_attr_site *site) {
    PyObject *descr;
    PyTypeObject *descr_type;
    site->type = tp;
    site->get_kind = site->set_kind = NETXSIM_ATTR_NONE;
    if (!PyType_HasFeature(tp, Py_TPFLAGS_READY) || !PyUnicode_CheckExact(name)) {
        site->version = 0;
        site->type = NULL;
        return;
    }
    descr = _PyType_Lookup(tp, name);   /* borrowed; sets no error */
    if (!(tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG)) {
        site->type = NULL;
        return;
    }
    site->version = tp->tp_version_tag;
    if (descr == NULL) {
        site->get_kind = site->set_kind = NETXSIM_ATTR_DICT;
    } else {
        descr_type = Py_TYPE(descr);
        if (descr_type == &PyMemberDescr_Type) {
            PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
            if (member->type == T_OBJECT_EX && !(member->flags & (READONLY | READ_RESTRICTED | PY_WRITE_RESTRICTED))
                    && PyType_IsSubtype(tp, ((PyMemberDescrObject *)descr)->d_common.d_type)) {
                site->get_kind = site->set_kind = NETXSIM_ATTR_SLOT;
                site->offset = member->offset;
            }
        } else if (descr_type->tp_descr_set == NULL && (descr_type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
            site->get_kind = site->set_kind = NETXSIM_ATTR_DICT;
        }
    }
    /* Only the generic protocols are short-cut (a module reads as the generic look-up
     * first, then its __getattr__ on a miss, which the generic path still does). */
    if (!(tp->tp_getattro == PyObject_GenericGetAttr || tp == &PyModule_Type))
        site->get_kind = NETXSIM_ATTR_NONE;
    if (tp->tp_setattro != PyObject_GenericSetAttr)
        site->set_kind = NETXSIM_ATTR_NONE;
}

/* The instance's dictionary if it exists (borrowed), else NULL. */
static CYTHON_INLINE PyObject *__netxsim_instance_dict(PyObject *obj, PyTypeObject *tp) {
    Py_ssize_t offset = tp->tp_dictoffset;
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        if (((void **)obj)[-4] != NULL)   /* the values not yet moved into a dictionary */
            return NULL;
        return ((PyObject **)obj)[-3];
    }
    if (offset > 0)
        return *(PyObject **)((char *)obj + offset);
    return NULL;
}

/* Where the value of ``name`` is stored for ``obj``, or NULL (then the generic path):
 * the entry the site's hint names, in the instance's dictionary (a table of str keys
 * holding its values) or, before the dictionary is built, in the instance's values,
 * laid out as the type's shared keys (which only ever grow; the values array has room
 * for every entry the keys may hold). */
static CYTHON_INLINE PyObject **__netxsim_hinted_slot(PyObject *obj, PyTypeObject *tp, PyObject *name,
                                                      const __netxsim_attr_site *site) {
    Py_ssize_t hint = site->hint, count;
    __netxsim_unicode_entry *entries;
    if (hint < 0)
        return NULL;
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        PyObject **values = ((PyObject ***)obj)[-4];
        if (values != NULL) {
            __netxsim_dict_keys *keys = (__netxsim_dict_keys *)((PyHeapTypeObject *)tp)->ht_cached_keys;
            if (keys == NULL || keys->dk_kind == NETXSIM_DICT_KEYS_GENERAL || hint >= keys->dk_nentries)
                return NULL;
            entries = (__netxsim_unicode_entry *)(keys->dk_indices + ((size_t)1 << keys->dk_log2_index_bytes));
            return entries[hint].me_key == name ? values + hint : NULL;
        }
    }
    {
        PyObject *dict = __netxsim_instance_dict(obj, tp);
        if (dict == NULL || !PyDict_CheckExact(dict))
            return NULL;
        entries = __netxsim_entries((PyDictObject *)dict, &count);
        if (entries == NULL || hint >= count || entries[hint].me_key != name)
            return NULL;
        return &entries[hint].me_value;
    }
}

/* After a look-up found ``name`` in the instance's values: remember its index. */
static void __netxsim_learn_values_hint(PyTypeObject *tp, PyObject *name, __netxsim_attr_site *site) {
    __netxsim_dict_keys *keys = (__netxsim_dict_keys *)((PyHeapTypeObject *)tp)->ht_cached_keys;
    __netxsim_unicode_entry *entries;
    Py_ssize_t i;
    if (site->hint == NETXSIM_HINT_OFF || keys == NULL || keys->dk_kind == NETXSIM_DICT_KEYS_GENERAL
            || keys->dk_nentries > NETXSIM_HINT_SCAN_MAX)
        return;
    if (--site->hint_credit < -64) {
        site->hint = NETXSIM_HINT_OFF;
        return;
    }
    entries = (__netxsim_unicode_entry *)(keys->dk_indices + ((size_t)1 << keys->dk_log2_index_bytes));
    for (i = 0; i < keys->dk_nentries; i++) {
        if (entries[i].me_key == name) {
            site->hint = i;
            return;
        }
    }
}

static PyObject *__netxsim_getattr_slow(PyObject *obj, PyObject *name, __netxsim_attr_site *site) {
    PyTypeObject *tp = Py_TYPE(obj);
    if (!__netxsim_tag_valid(tp, site))
        __netxsim_attr_fill(tp, name, site);
    if (site->type == tp) {
        if (site->get_kind == NETXSIM_ATTR_DICT) {
            PyObject *dict = __netxsim_instance_dict(obj, tp);
            if (dict != NULL) {
                PyObject *value = PyDict_GetItemWithError(dict, name);
                if (value != NULL) {
                    __netxsim_learn_hint(dict, name, site);
                    Py_INCREF(value);
                    return value;
                }
                if (PyErr_Occurred()) {
                    /* A dictionary key's __eq__ raised. A module's look-up turns an
                     * AttributeError into a try of its __getattr__: the generic path. */
                    if (tp != &PyModule_Type || !PyErr_ExceptionMatches(PyExc_AttributeError))
                        return NULL;
                    PyErr_Clear();
                }
            } else if ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && ((void **)obj)[-4] != NULL) {
                /* The values not yet in a dictionary: the generic path reads them; learn
                 * where, for the next read. */
                PyObject *value = tp->tp_getattro(obj, name);
                if (value != NULL)
                    __netxsim_learn_values_hint(tp, name, site);
                return value;
            }
        } else if (site->get_kind == NETXSIM_ATTR_SLOT) {
            PyObject *value = *(PyObject **)((char *)obj + site->offset);
            if (value != NULL) {
                Py_INCREF(value);
                return value;
            }
        }
    }
    if (likely(tp->tp_getattro))
        return tp->tp_getattro(obj, name);
    return PyObject_GetAttr(obj, name);
}

static CYTHON_INLINE PyObject *__netxsim_getattr(PyObject *obj, PyObject *name, __netxsim_attr_site *site) {
    PyTypeObject *tp = Py_TYPE(obj);
    if (likely(site->type == tp && tp->tp_version_tag == site->version
               && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))) {
        if (site->get_kind == NETXSIM_ATTR_DICT) {
            PyObject **slot = __netxsim_hinted_slot(obj, tp, name, site);
            if (slot != NULL && *slot != NULL) {
                if (site->hint_credit < 16)
                    site->hint_credit++;
                Py_INCREF(*slot);
                return *slot;
            }
        } else if (site->get_kind == NETXSIM_ATTR_SLOT) {
            PyObject *value = *(PyObject **)((char *)obj + site->offset);
            if (value != NULL) {
                Py_INCREF(value);
                return value;
            }
        }
    }
    return __netxsim_getattr_slow(obj, name, site);
}

static int __netxsim_setattr_slow(PyObject *obj, PyObject *name, PyObject *value, __netxsim_attr_site *site) {
    PyTypeObject *tp = Py_TYPE(obj);
    if (value != NULL) {
        if (!__netxsim_tag_valid(tp, site))
            __netxsim_attr_fill(tp, name, site);
        if (site->type == tp) {
            if (site->set_kind == NETXSIM_ATTR_DICT) {
                PyObject *dict = __netxsim_instance_dict(obj, tp);
                if (dict != NULL)
                    return PyDict_SetItem(dict, name, value);
                if ((tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) && ((void **)obj)[-4] != NULL) {
                    /* The values not yet in a dictionary: the generic store; learn where
                     * the value went, for the next store of one the instance holds. */
                    int result = tp->tp_setattro(obj, name, value);
                    if (result == 0)
                        __netxsim_learn_values_hint(tp, name, site);
                    return result;
                }
            } else if (site->set_kind == NETXSIM_ATTR_SLOT) {
                PyObject **slot = (PyObject **)((char *)obj + site->offset);
                PyObject *old = *slot;
                Py_INCREF(value);
                *slot = value;
                Py_XDECREF(old);
                return 0;
            }
        }
    }
    if (likely(tp->tp_setattro))
        return tp->tp_setattro(obj, name, value);
    return PyObject_SetAttr(obj, name, value);
}

static CYTHON_INLINE int __netxsim_setattr(PyObject *obj, PyObject *name, PyObject *value, __netxsim_attr_site *site) {
    PyTypeObject *tp = Py_TYPE(obj);
    if (likely(value != NULL && site->type == tp && tp->tp_version_tag == site->version
               && (tp->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG))) {
        if (site->set_kind == NETXSIM_ATTR_SLOT) {
            PyObject **slot = (PyObject **)((char *)obj + site->offset);
            PyObject *old = *slot;
            Py_INCREF(value);
            *slot = value;
            Py_XDECREF(old);
            return 0;
        }
        if (site->set_kind == NETXSIM_ATTR_DICT && (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)
                && ((void **)obj)[-4] != NULL) {
            /* Replacing a value the instance already holds in its values (not yet a
             * dictionary): what CPython's own store does, with no dictionary to version. */
            PyObject **slot = __netxsim_hinted_slot(obj, tp, name, site);
            if (slot != NULL && *slot != NULL) {
                PyObject *old = *slot;
                Py_INCREF(value);
                *slot = value;
                Py_DECREF(old);
                return 0;
            }
        }
    }
    return __netxsim_setattr_slow(obj, name, value, site);
}

#define __NETXSIM_GETATTR(o, n) \
    ({ static __netxsim_attr_site __netxsim_site = {0}; __netxsim_getattr((o), (n), &__netxsim_site); })
#define __NETXSIM_SETATTR(o, n, v) \
    ({ static __netxsim_attr_site __netxsim_site = {0}; __netxsim_setattr((o), (n), (v), &__netxsim_site); })
#define NETXSIM_ATTR_CACHE 1
#endif

#endif
