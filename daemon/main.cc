// idsync: thin entry point; everything lives in the layers (see README "Where things live").
#include "daemon/cli/commands.h"

int main(int argc, char** argv) { return idsync::RunCli(argc, argv); }
