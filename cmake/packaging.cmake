# Install rules and the Debian package (`cmake --build build --target package`).
#
# The package installs, under /usr: bin/idsync; the systemd unit (deploy/systemd) with
# its ExecStart pointing at that binary; the man page idsync(1) and the bash, zsh and
# fish completions, both generated at build time from the built binary, so from the
# same CLI11 table that parses the command line; and an empty /etc/idsync for the
# manifest and credentials the unit reads. No system user and no /var/lib/idsync: the
# unit runs with DynamicUser=yes and StateDirectory=idsync, so systemd creates both
# (/var/lib/idsync, owned by the transient user) when the service starts.
# idsync-sim is not packaged: it is a test and demo server, not something to install on
# a host that holds production credentials. Checked by tests/deploy/check_deb_package.py.
include(GNUInstallDirs)

set(IDSYNC_PACKAGE_PREFIX /usr)
set(idsync_gen ${PROJECT_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${idsync_gen}/completions)

# The unit as packaged: the committed one runs /usr/local/bin/idsync (a hand install).
file(READ ${PROJECT_SOURCE_DIR}/deploy/systemd/idsync.service idsync_unit)
string(REPLACE "/usr/local/bin/idsync" "${IDSYNC_PACKAGE_PREFIX}/bin/idsync" idsync_unit "${idsync_unit}")
file(GENERATE OUTPUT ${idsync_gen}/idsync.service CONTENT "${idsync_unit}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/deploy/systemd/idsync.service)

# Completions and the man page, from the built binary.
set(idsync_completions
    ${idsync_gen}/completions/idsync ${idsync_gen}/completions/_idsync
    ${idsync_gen}/completions/idsync.fish)
add_custom_command(
  OUTPUT ${idsync_completions}
  COMMAND ${PROJECT_SOURCE_DIR}/cmake/run-built ${idsync_gen}/completions/idsync $<TARGET_FILE:idsync> completion bash
  COMMAND ${PROJECT_SOURCE_DIR}/cmake/run-built ${idsync_gen}/completions/_idsync $<TARGET_FILE:idsync> completion zsh
  COMMAND ${PROJECT_SOURCE_DIR}/cmake/run-built ${idsync_gen}/completions/idsync.fish $<TARGET_FILE:idsync> completion fish
  DEPENDS idsync
  COMMENT "Generating the shell completions from idsync's command table")
find_program(HELP2MAN help2man REQUIRED)
add_custom_command(
  OUTPUT ${idsync_gen}/idsync.1.gz
  COMMAND ${HELP2MAN} --no-info --help-option=--help-all --version-string=${PROJECT_VERSION}
          --name=keep\ SaaS\ platform\ users\ equal\ to\ a\ manifest\ kept\ in\ Git
          --section=1 --output=${idsync_gen}/idsync.1 $<TARGET_FILE:idsync>
  COMMAND gzip -9 -n -f ${idsync_gen}/idsync.1
  DEPENDS idsync
  COMMENT "Generating the man page idsync(1) with help2man")
add_custom_target(idsync-docs ALL DEPENDS ${idsync_completions} ${idsync_gen}/idsync.1.gz)

install(TARGETS idsync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${idsync_gen}/idsync.service DESTINATION lib/systemd/system)
install(FILES ${idsync_gen}/idsync.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${idsync_gen}/completions/idsync
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${idsync_gen}/completions/_idsync
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${idsync_gen}/completions/idsync.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES README.md SECURITY.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY DESTINATION /etc/idsync DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME idsync)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${IDSYNC_PACKAGE_PREFIX})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keep SaaS platform users equal to a YAML manifest kept in Git")
set(CPACK_PACKAGE_DESCRIPTION
    "idsync plans and applies invitations, role changes and offboarding on SaaS platforms from one manifest, as a CLI and as a systemd service.")
set(CPACK_PACKAGE_CONTACT "idsync maintainers <maintainers@idsync.invalid>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_STRIP_FILES ON)  # the build keeps debug info; the package does not
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # the runtime libraries, from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "git")  # the runs table records the manifest's commit
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_OUTPUT_FILE_PREFIX ${PROJECT_BINARY_DIR}/packages)
include(CPack)
