/*
 * JSON text for the records' generated to_json(): what json.dumps writes for the same Python
 * values (integers, floats that are a C integer over a power of ten, IP addresses), written
 * from the C members without a Python object in between, into a growing buffer.
 */
#ifndef SOCKETSTAT_JSON_TEXT_H
#define SOCKETSTAT_JSON_TEXT_H

#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Writes the decimal digits of `value` at `text` (room for 20) and returns how many: two
 * digits per division, from a table of the hundred pairs. */
static inline size_t socketstat_format_u64(uint64_t value, char *text)
{
    static const char pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char digits[20];
    size_t start = 20;
    if (value < 10) {   /* most of a record's counters and flags */
        text[0] = (char)('0' + value);
        return 1;
    }
    while (value >= 100) {
        unsigned int pair = (unsigned int)(value % 100) * 2;
        value /= 100;
        digits[--start] = pairs[pair + 1];
        digits[--start] = pairs[pair];
    }
    if (value >= 10) {
        digits[--start] = pairs[value * 2 + 1];
        digits[--start] = pairs[value * 2];
    } else {
        digits[--start] = (char)('0' + value);
    }
    for (size_t index = start; index < 20; index++)
        text[index - start] = digits[index];
    return 20 - start;
}

/* The same for a signed value (room for 21). */
static inline size_t socketstat_format_i64(int64_t value, char *text)
{
    if (value >= 0)
        return socketstat_format_u64((uint64_t)value, text);
    text[0] = '-';
    return 1 + socketstat_format_u64(-(uint64_t)value, text + 1);
}

/* Python's repr() of the float `value / 10**scale` (1 <= scale <= 9), as json.dumps writes it,
 * for value < 2**32: the double nearest that quotient has the quotient's own decimal digits as
 * its shortest repr, since a decimal of at most 10 significant digits is further than 2**-53
 * (relative) from every other decimal as short or shorter. repr's 'r' format (pystrtod.c,
 * format_float_short): exponent form when the decimal point sits 4 or more places before the
 * first significant digit ("6.1e-05", "1e-06"; but "0.0001"), else positional with at least one digit after the point
 * ("0.204", "3.0"). Room for 24 bytes. */
static inline size_t socketstat_format_scaled(uint32_t value, int scale, char *text)
{
    char digits[10];
    size_t count, length = 0;
    int point;
    if (value == 0) {
        memcpy(text, "0.0", 3);
        return 3;
    }
    while (value % 10 == 0) {
        value /= 10;
        scale--;
    }
    count = socketstat_format_u64(value, digits);
    point = (int)count - scale;   /* the decimal point's place after the first digit's start */
    if (point < -3) {
        int exponent = point - 1;
        text[length++] = digits[0];
        if (count > 1) {
            text[length++] = '.';
            memcpy(text + length, digits + 1, count - 1);
            length += count - 1;
        }
        text[length++] = 'e';
        text[length++] = '-';
        exponent = -exponent;
        if (exponent < 10)
            text[length++] = '0';
        length += socketstat_format_u64((uint64_t)exponent, text + length);
        return length;
    }
    if (point <= 0) {
        text[length++] = '0';
        text[length++] = '.';
        for (int zero = point; zero < 0; zero++)
            text[length++] = '0';
        memcpy(text + length, digits, count);
        return length + count;
    }
    if ((size_t)point >= count) {
        memcpy(text, digits, count);
        length = count;
        for (size_t zero = count; zero < (size_t)point; zero++)
            text[length++] = '0';
        memcpy(text + length, ".0", 2);
        return length + 2;
    }
    memcpy(text, digits, (size_t)point);
    text[point] = '.';
    memcpy(text + point + 1, digits + point, count - (size_t)point);
    return count + 1;
}

/* The key functions are inlined where GCC and Clang would not on their own (a record's
 * to_json() calls them a hundred times): each key's copy then has a constant length. */
#if defined(__GNUC__)
#define SOCKETSTAT_JSON_INLINE static inline __attribute__((always_inline))
#else
#define SOCKETSTAT_JSON_INLINE static inline
#endif

/* The growing buffer to_json() writes into. */
typedef struct {
    char *text;
    size_t length;
    size_t capacity;
} socketstat_json;

/* Room for `more` bytes past the length; -1 with MemoryError set when there is none. */
static int socketstat_json_grow(socketstat_json *out, size_t more)
{
    size_t capacity = 2 * out->capacity > out->length + more ? 2 * out->capacity
                                                            : out->length + more;
    char *grown = (char *)PyMem_Realloc(out->text, capacity);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->text = grown;
    out->capacity = capacity;
    return 0;
}

SOCKETSTAT_JSON_INLINE int socketstat_json_reserve(socketstat_json *out, size_t more)
{
    if (out->length + more <= out->capacity)
        return 0;
    return socketstat_json_grow(out, more);
}

/* The key functions write a member's `,"name":` (a literal: inlined, its copy is a few moves)
 * and its value with one check for room: what a record's to_json() is made of. */
SOCKETSTAT_JSON_INLINE int socketstat_json_raw(socketstat_json *out, const char *text, size_t length)
{
    if (socketstat_json_reserve(out, length) < 0)
        return -1;
    memcpy(out->text + out->length, text, length);
    out->length += length;
    return 0;
}

SOCKETSTAT_JSON_INLINE int socketstat_json_key_u64(socketstat_json *out, const char *key,
                                          size_t key_length, uint64_t value)
{
    if (socketstat_json_reserve(out, key_length + 20) < 0)
        return -1;
    memcpy(out->text + out->length, key, key_length);
    out->length += key_length;
    out->length += socketstat_format_u64(value, out->text + out->length);
    return 0;
}

SOCKETSTAT_JSON_INLINE int socketstat_json_key_i64(socketstat_json *out, const char *key,
                                          size_t key_length, int64_t value)
{
    if (socketstat_json_reserve(out, key_length + 21) < 0)
        return -1;
    memcpy(out->text + out->length, key, key_length);
    out->length += key_length;
    out->length += socketstat_format_i64(value, out->text + out->length);
    return 0;
}

SOCKETSTAT_JSON_INLINE int socketstat_json_key_null(socketstat_json *out, const char *key,
                                           size_t key_length)
{
    if (socketstat_json_reserve(out, key_length + 4) < 0)
        return -1;
    memcpy(out->text + out->length, key, key_length);
    memcpy(out->text + out->length + key_length, "null", 4);
    out->length += key_length + 4;
    return 0;
}

/* `value / 10**scale` as repr writes it; 1 when written, 0 (nothing written) for a value of
 * 2**32 or more, which the caller writes through Python's own repr instead. */
SOCKETSTAT_JSON_INLINE int socketstat_json_key_scaled(socketstat_json *out, const char *key,
                                             size_t key_length, uint64_t value, int scale)
{
    if (value > UINT32_MAX)
        return 0;
    if (socketstat_json_reserve(out, key_length + 24) < 0)
        return -1;
    memcpy(out->text + out->length, key, key_length);
    out->length += key_length;
    out->length += socketstat_format_scaled((uint32_t)value, scale, out->text + out->length);
    return 1;
}

#endif
