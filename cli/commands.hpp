#pragma once
// One function per `duet` sub-command; each parses its options and calls the libraries.
// Return value is the process exit code (0 ok, 2 bad input).
namespace duet::cli {

int sim_command(int argc, char** argv);
int area_command(int argc, char** argv);
int workload_command(int argc, char** argv);
int lut_command(int argc, char** argv);
int dataset_command(int argc, char** argv);
int lut_accuracy_command(int argc, char** argv);
int recast_command(int argc, char** argv);
int evaluator_command(int argc, char** argv);
int explore_command(int argc, char** argv);

}  // namespace duet::cli
