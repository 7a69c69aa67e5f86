/*
 * The macOS listing's walk (socketstat/includes/darwin_pcblist.h), run on any OS: reads one
 * pcblist_n answer from a file and prints, as JSON lines, each socket the walk keeps and last
 * what it left out. For tests/test_darwin_pcblist.py only; the package never builds it.
 *
 *   pcblist_walk FILE unix tcp states inet4 inet6 local_port remote_port pid \
 *                local_version local_prefix local_hex remote_version remote_prefix remote_hex
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "darwin_pcblist.h"

static void network(struct socketstat_pcb_network *out, char **argv)
{
    size_t index;
    out->version = atoi(argv[0]);
    out->prefix_length = (unsigned)atoi(argv[1]);
    for (index = 0; index < 16 && argv[2][2 * index] && argv[2][2 * index + 1]; index++) {
        char byte[3] = {argv[2][2 * index], argv[2][2 * index + 1], 0};
        out->address[index] = (uint8_t)strtoul(byte, NULL, 16);
    }
}

static unsigned port(uint16_t network_order)
{
    const uint8_t *bytes = (const uint8_t *)&network_order;
    return (unsigned)((bytes[0] << 8) | bytes[1]);
}

int main(int argc, char **argv)
{
    struct socketstat_pcb_filter filter;
    struct socketstat_pcblist walk;
    struct socketstat_pcb pcb;
    FILE *file;
    void *buffer;
    long size;
    if (argc != 16)
        return 2;
    file = fopen(argv[1], "rb");
    if (file == NULL || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0)
        return 2;
    rewind(file);
    buffer = malloc(size ? (size_t)size : 1);
    if (buffer == NULL || fread(buffer, 1, (size_t)size, file) != (size_t)size)
        return 2;
    fclose(file);

    memset(&filter, 0, sizeof(filter));
    filter.states = (uint32_t)strtoul(argv[4], NULL, 0);
    filter.inet4 = atoi(argv[5]);
    filter.inet6 = atoi(argv[6]);
    filter.local_port = atoi(argv[7]);
    filter.remote_port = atoi(argv[8]);
    filter.pid = atoi(argv[9]);
    network(&filter.local, argv + 10);
    network(&filter.remote, argv + 13);

    if (socketstat_pcblist_begin(&walk, buffer, (size_t)size, atoi(argv[2]), atoi(argv[3])) != 0) {
        printf("{\"error\": \"header\"}\n");
        free(buffer);
        return 0;
    }
    while (socketstat_pcblist_next(&walk, &filter, &pcb)) {
        printf("{\"gencnt\": %llu, \"family\": %d, \"so_last_pid\": %d, \"so_e_pid\": %d, "
               "\"so_uid\": %u, \"rcv_cc\": %u, \"snd_cc\": %u, \"stats\": %d",
               (unsigned long long)pcb.gencnt, pcb.so->xso_family, pcb.so->so_last_pid,
               pcb.so->so_e_pid, pcb.so->so_uid, pcb.rcv->sb_cc, pcb.snd->sb_cc,
               pcb.stats != NULL);
        if (pcb.inp != NULL)
            printf(", \"lport\": %u, \"fport\": %u", port(pcb.inp->inp_lport),
                   port(pcb.inp->inp_fport));
        if (pcb.unp != NULL)
            printf(", \"path\": \"%.*s\"", (int)sizeof(pcb.unp->xu_au.xuu_addr.sun_path),
                   pcb.unp->xu_au.xuu_addr.sun_path);
        if (pcb.tcp != NULL)
            printf(", \"t_state\": %d, \"t_srtt\": %d", pcb.tcp->t_state, pcb.tcp->t_srtt);
        printf("}\n");
    }
    printf("{\"unknown_length\": %zu, \"unknown_kind\": %zu, \"incomplete\": %zu, \"stale\": %zu, "
           "\"truncated\": %d}\n", walk.unknown_length, walk.unknown_kind, walk.incomplete,
           walk.stale, walk.truncated);
    free(buffer);
    return 0;
}
