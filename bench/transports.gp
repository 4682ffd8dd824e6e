# SPDX-License-Identifier: GPL-2.0
# The SIMVIRTIO transport chart: KiB/s of a 64 KiB stream, exit vs poll.
# usage: gnuplot -e "datafile='transports.dat'; outfile='transports.svg'" transports.gp
set terminal svg size 720,360 dynamic font "sans,12"
set output outfile
set title "SIMVIRTIO throughput, 64 KiB stream (higher is better)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.8
set yrange [0:*]
set xrange [-0.6:1.6]
set grid ytics
set key outside top center horizontal
set ylabel "KiB/s"
plot datafile using 2:xtic(1) title "exit transport" linecolor rgb "#bbbbbb", \
     '' using 3 title "poll transport" linecolor rgb "#3b75af", \
     '' using 0:3:(sprintf("%.1fx", $4)) with labels offset 2.2,0.7 notitle
