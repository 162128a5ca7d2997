// libi2c (Debian's libi2c-dev, no pkg-config file): the SMBus transfers of i2c-tools, plus
// what Swift cannot import by itself: ioctl() is variadic and I2C_SLAVE is a macro.
#include <stdint.h>
#include <sys/ioctl.h>
#include <linux/i2c-dev.h>
#include <i2c/smbus.h>

/// ioctl(fd, I2C_SLAVE, address): the address every following transfer on `fd` goes to.
/// Returns 0, or -1 with errno set (EBUSY when a kernel driver owns the address).
static inline int irectl_i2c_select(int fd, uint16_t address) {
  return ioctl(fd, I2C_SLAVE, (unsigned long)address);
}
