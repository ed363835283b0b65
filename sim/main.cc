// idsync-sim: thin entry point; the command line lives in sim/cli.h.
#include "sim/cli.h"

int main(int argc, char** argv) { return idsync::sim::RunSimCli(argc, argv); }
