/*
 * Dotted-quad text of an IPv4 address, as inet_ntop(AF_INET) writes it, without going through
 * printf: glibc's inet_ntop formats each octet with sprintf, a third of what turning a socket's
 * address into Python costs (callgrind). `text` must hold INET_ADDRSTRLEN (16) bytes.
 */
#ifndef SOCKETSTAT_FORMAT_IPV4_H
#define SOCKETSTAT_FORMAT_IPV4_H

#include <stddef.h>

static inline size_t socketstat_format_ipv4(const void *address, char *text)
{
    const unsigned char *octets = (const unsigned char *)address;
    char *end = text;
    for (int index = 0; index < 4; index++) {
        unsigned int octet = octets[index];
        if (octet >= 100)
            *end++ = (char)('0' + octet / 100);
        if (octet >= 10)
            *end++ = (char)('0' + octet / 10 % 10);
        *end++ = (char)('0' + octet % 10);
        if (index < 3)
            *end++ = '.';
    }
    *end = '\0';
    return (size_t)(end - text);
}

#endif
