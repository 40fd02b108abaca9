// A processing element of systolic_array.sv: int8 x int8 multiply, int32 add.
module systolic_pe (
    input logic clk,
    input logic rst,
    input logic preload,
    input logic os_mode,
    input logic signed [7:0] a_in,  // from the west
    input logic a_valid_in,
    input logic signed [7:0] b_in,  // from the north: OS's top operand
    input logic b_valid_in,
    input logic signed [7:0] w_in,  // from the north: WS/IS preload
    input logic signed [31:0] psum_in,  // from the north: WS/IS partial sum (0 on row 0)
    output logic signed [7:0] a_out,
    output logic a_valid_out,
    output logic signed [7:0] b_out,
    output logic b_valid_out,
    output logic signed [7:0] w_out,
    output logic signed [31:0] psum_out,
    output logic psum_valid_out,
    output logic signed [31:0] acc,
    output logic mac  // OS: accumulated this cycle
);
  always_ff @(posedge clk) begin
    if (rst) begin
      a_out <= '0;
      a_valid_out <= 1'b0;
      b_out <= '0;
      b_valid_out <= 1'b0;
      w_out <= '0;
      psum_out <= '0;
      psum_valid_out <= 1'b0;
      acc <= '0;
      mac <= 1'b0;
    end else if (preload) begin
      w_out <= w_in;
      mac <= 1'b0;
    end else begin
      a_out <= a_in;
      a_valid_out <= a_valid_in;
      if (os_mode) begin
        b_out <= b_in;
        b_valid_out <= b_valid_in;
        mac <= a_valid_in && b_valid_in;
        if (a_valid_in && b_valid_in) acc <= acc + 32'(a_in * b_in);
      end else begin
        psum_out <= a_valid_in ? psum_in + 32'(a_in * w_out) : '0;
        psum_valid_out <= a_valid_in;
        mac <= 1'b0;
      end
    end
  end
endmodule

