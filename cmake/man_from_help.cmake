# Writes the man page entrepot.1 from the program's own --help texts, so the
# page cannot drift from the program. Plain roff with the man macros: the
# overview first, then each command's --help verbatim.
#   cmake -DPROGRAM=path/to/entrepot -DVERSION=x.y.z -DOUTPUT=entrepot.1 -P man_from_help.cmake

cmake_minimum_required(VERSION 3.25)

# Roff-escapes text and turns it into a CMake list of lines. Brackets and
# semicolons would split or join CMake list items, so they travel as
# placeholders until the line is written.
function(ent_man_lines text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REPLACE ";" "@ENT_SEMI@" text "${text}")
  string(REPLACE "[" "@ENT_LB@" text "${text}")
  string(REPLACE "]" "@ENT_RB@" text "${text}")
  string(REGEX REPLACE "\n$" "" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(ent_man_line line out)
  string(REPLACE "@ENT_SEMI@" ";" line "${line}")
  string(REPLACE "@ENT_LB@" "[" line "${line}")
  string(REPLACE "@ENT_RB@" "]" line "${line}")
  # A line starting with . or ' would be read as a request.
  if(line MATCHES "^[.']")
    set(line "\\&${line}")
  endif()
  if(line STREQUAL "")
    set(line ".sp")
  endif()
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

function(ent_help out)
  execute_process(COMMAND "${PROGRAM}" ${ARGN}
    OUTPUT_VARIABLE text RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR text STREQUAL "")
    message(FATAL_ERROR "${PROGRAM} ${ARGN}: exit ${rc}: ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

ent_help(top --help)
ent_man_lines("${top}" lines)
list(POP_FRONT lines title)
string(REGEX REPLACE "^entrepot [^ ]+ " "" title "${title}")
ent_man_line("${title}" title)

set(page ".\\\" Generated from `entrepot --help` by cmake/man_from_help.cmake: do not edit.\n")
string(APPEND page ".TH ENTREPOT 1 \"\" \"entrepot ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\nentrepot \\- ${title}\n")

# The overview: the usage line is the synopsis, each "  name   words" line a
# command, the paragraphs after them the description.
set(section "")
set(commands "")
foreach(raw IN LISTS lines)
  if(raw MATCHES "^usage: (.*)$")
    ent_man_line("${CMAKE_MATCH_1}" l)
    string(APPEND page ".SH SYNOPSIS\n.nf\n${l}\n.fi\n.SH COMMANDS\n")
    set(section commands)
  elseif(section STREQUAL "commands" AND raw MATCHES "^  ([a-z]+) +(.*)$")
    list(APPEND commands "${CMAKE_MATCH_1}")
    ent_man_line("${CMAKE_MATCH_2}" l)
    string(APPEND page ".TP\n.B ${CMAKE_MATCH_1}\n${l}\n")
  elseif(raw STREQUAL "")
    if(section STREQUAL "commands" AND commands)
      string(APPEND page ".SH DESCRIPTION\n")
      set(section description)
    endif()
  elseif(NOT section STREQUAL "")
    ent_man_line("${raw}" l)
    string(APPEND page "${l}\n")
  endif()
endforeach()

# Each command's own help, as the program prints it.
string(APPEND page ".SH EACH COMMAND\n")
foreach(cmd IN LISTS commands)
  if(cmd STREQUAL "version")
    continue()
  endif()
  ent_help(text ${cmd} --help)
  ent_man_lines("${text}" cmd_lines)
  string(APPEND page ".SS entrepot ${cmd}\n.nf\n")
  foreach(raw IN LISTS cmd_lines)
    ent_man_line("${raw}" l)
    string(APPEND page "${l}\n")
  endforeach()
  string(APPEND page ".fi\n")
endforeach()
string(APPEND page ".SH SEE ALSO\nThe README of the entrepot sources, and \\fBentrepot \\fICOMMAND\\fB \\-\\-help\\fR.\n")
file(WRITE "${OUTPUT}" "${page}")
