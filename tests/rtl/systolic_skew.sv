// The input skew of systolic_array.sv: DEPTH registers of operand and token (DEPTH = 0 passes
// through). They hold during the preload.
module systolic_skew #(
    parameter int DEPTH = 1
) (
    input logic clk,
    input logic rst,
    input logic hold,
    input logic signed [7:0] data_in,
    input logic valid_in,
    output logic signed [7:0] data_out,
    output logic valid_out
);
  if (DEPTH == 0) begin : g_wire
    assign data_out = data_in;
    assign valid_out = valid_in;
    logic unused_controls;
    assign unused_controls = &{1'b0, clk, rst, hold};
  end else begin : g_chain
    logic signed [7:0] data[DEPTH];
    logic valid[DEPTH];
    for (genvar i = 0; i < DEPTH; i++) begin : g_stage
      always_ff @(posedge clk) begin
        if (rst) begin
          data[i] <= '0;
          valid[i] <= 1'b0;
        end else if (!hold) begin
          data[i] <= i == 0 ? data_in : data[i-1];
          valid[i] <= i == 0 ? valid_in : valid[i-1];
        end
      end
    end
    assign data_out = data[DEPTH-1];
    assign valid_out = valid[DEPTH-1];
  end
endmodule

