// A ROWS x COLS systolic array with int8 operands and int32 accumulation: the hardware that
// Duet's cycle model (sim/systolic_timing.cpp, sim/systolic_stepper.cpp) describes, written as
// RTL so that a Verilator testbench (tests/test_rtl_systolic.cpp) can check the model's cycle
// counts and results against it. Reference only: it is not part of the simulator.
//
// Dataflows (mode):
//   WS / IS (0 / 2): a stationary operand is preloaded top-down, one row per cycle for ROWS
//     cycles (the last row enters first). Then the streamed operand enters from the west, row r
//     delayed r cycles by the input skew; it moves one PE east per cycle, and partial sums move
//     one PE south per cycle, leaving the south edge. IS is the same datapath with the roles of
//     the operands swapped (inputs stationary, weights streamed).
//   OS (1): the left operand enters from the west (row r delayed r cycles), the top operand
//     from the north (column c delayed c cycles); each PE accumulates its own output.
// A token (valid bit) travels with every operand; PEs outside a partial fold carry zeros with
// valid tokens, so a fold always costs the whole array, as in the model.

module systolic_array #(
    parameter int ROWS = 4,
    parameter int COLS = 4
) (
    input logic clk,
    input logic rst,  // clears every register (between folds)
    input logic [1:0] mode,  // 0 WS, 1 OS, 2 IS
    input logic preload,  // WS/IS: shift the stationary operand down one row
    input logic signed [7:0] north_data[COLS],
    input logic north_valid[COLS],  // OS top operand
    input logic signed [7:0] west_data[ROWS],
    input logic west_valid[ROWS],
    output logic signed [31:0] south_psum[COLS],  // WS/IS
    output logic south_valid[COLS],
    output logic signed [31:0] accumulator[ROWS][COLS],  // OS
    output logic last_pe_mac  // OS: the south-east PE accumulated this cycle
);
  logic os_mode;
  assign os_mode = mode == 2'd1;

  logic signed [7:0] west_skewed[ROWS];
  logic west_skewed_valid[ROWS];
  logic signed [7:0] north_skewed[COLS];
  logic north_skewed_valid[COLS];
  for (genvar r = 0; r < ROWS; r++) begin : g_west_skew
    systolic_skew #(.DEPTH(r)) skew (
        .clk, .rst, .hold(preload),
        .data_in(west_data[r]), .valid_in(west_valid[r]),
        .data_out(west_skewed[r]), .valid_out(west_skewed_valid[r]));
  end
  for (genvar c = 0; c < COLS; c++) begin : g_north_skew
    systolic_skew #(.DEPTH(c)) skew (
        .clk, .rst, .hold(preload),
        .data_in(north_data[c]), .valid_in(north_valid[c]),
        .data_out(north_skewed[c]), .valid_out(north_skewed_valid[c]));
  end

  logic signed [7:0] a[ROWS][COLS];
  logic a_valid[ROWS][COLS];
  logic signed [7:0] b[ROWS][COLS];
  logic b_valid[ROWS][COLS];
  logic signed [7:0] w[ROWS][COLS];
  logic signed [31:0] psum[ROWS][COLS];
  logic psum_valid[ROWS][COLS];
  logic mac[ROWS][COLS];

  for (genvar r = 0; r < ROWS; r++) begin : g_row
    for (genvar c = 0; c < COLS; c++) begin : g_col
      systolic_pe pe (
          .clk, .rst, .preload, .os_mode,
          .a_in(c == 0 ? west_skewed[r] : a[r][c-1]),
          .a_valid_in(c == 0 ? west_skewed_valid[r] : a_valid[r][c-1]),
          .b_in(r == 0 ? north_skewed[c] : b[r-1][c]),
          .b_valid_in(r == 0 ? north_skewed_valid[c] : b_valid[r-1][c]),
          .w_in(r == 0 ? north_data[c] : w[r-1][c]),
          .psum_in(r == 0 ? 32'sd0 : psum[r-1][c]),
          .a_out(a[r][c]), .a_valid_out(a_valid[r][c]),
          .b_out(b[r][c]), .b_valid_out(b_valid[r][c]),
          .w_out(w[r][c]),
          .psum_out(psum[r][c]), .psum_valid_out(psum_valid[r][c]),
          .acc(accumulator[r][c]), .mac(mac[r][c]));
    end
  end

  for (genvar c = 0; c < COLS; c++) begin : g_south
    assign south_psum[c] = psum[ROWS-1][c];
    assign south_valid[c] = psum_valid[ROWS-1][c];
  end
  assign last_pe_mac = mac[ROWS-1][COLS-1];
endmodule
