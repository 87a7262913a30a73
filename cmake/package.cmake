# The Debian package: `make package` (or `cpack -G DEB` in a configured
# build tree) writes argus_<version>_<arch>.deb. Layout:
#   /usr/bin/argus
#   /usr/share/argus/models/   the shipped detector and crop classifier
#   /usr/share/argus/web/      the web client
#   /usr/share/doc/argus/      README.md, configuration.md
#   /etc/argus/argus.yaml      a conffile; absolute paths to the above
#   /lib/systemd/system/argus.service
#   /var/lib/argus             made by postinst (owner argus) and the unit's
#                              StateDirectory=, deleted on purge
# The maintainer scripts, unit and config live in packaging/; ctest
# package.install (tests/package/test_package.py) checks the result.

install(TARGETS argus RUNTIME DESTINATION bin)
install(FILES models/argus-sky.onnx models/argus-sky.names
              models/argus-sky-cls.onnx models/argus-sky-cls.names
        DESTINATION share/argus/models)
install(DIRECTORY web/ DESTINATION share/argus/web)
install(FILES README.md docs/configuration.md DESTINATION share/doc/argus)
# Absolute destinations: CPack's DEB generator stages them under the package
# root like the /usr ones.
install(FILES packaging/argus.yaml DESTINATION /etc/argus)
install(FILES packaging/argus.service DESTINATION /lib/systemd/system)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME argus)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR argus)
# Debian requires a Maintainer field; set yours at configure time.
set(ARGUS_PACKAGE_MAINTAINER "argus maintainers <argus@localhost>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${ARGUS_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "real-time video analytics engine (detection, tracking, relay, PTZ)")
set(CPACK_PACKAGE_DESCRIPTION
    "argus decodes cameras, detects and tracks objects (OpenCV DNN, ONNX), \
relays cameras to many viewers, serves frames of H.265 clips and keeps \
track history, over REST and WebSocket with a web client. The package runs \
it as the systemd service argus.service, configured in /etc/argus/argus.yaml.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The binary only: a RelWithDebInfo tree packages as small as a Release one.
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library packages from what the binary links (dpkg-shlibdeps, dpkg-dev),
# plus what the maintainer scripts call.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, init-system-helpers")
# frames.sample_clip encodes its clip with the ffmpeg CLI.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "ffmpeg")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/postinst
    ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm)
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
